// Registers sdk-hook.mjs before the handler loads (node --import).
import { register } from "node:module";

register("./sdk-hook.mjs", import.meta.url);
