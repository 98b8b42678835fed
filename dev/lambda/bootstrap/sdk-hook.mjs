// Resolve hook for wsdesign dev: an `@aws-sdk/*` (or v2's `aws-sdk`) import
// that the handler's own folders cannot resolve is resolved from wsdesign's cache, as Lambda's Node.js
// runtime provides the SDK. The handler's own dependencies always win: the
// cache is tried only after the usual resolution failed.
import { pathToFileURL } from "node:url";
import path from "node:path";

const cache = process.env.WSDESIGN_NODE_SDK;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!cache || e?.code !== "ERR_MODULE_NOT_FOUND" || !isSDK(specifier)) throw e;
    return next(specifier, { ...context, parentURL: pathToFileURL(path.join(cache, "index.mjs")).href });
  }
}

function isSDK(specifier) {
  return specifier.startsWith("@aws-sdk/") || specifier === "aws-sdk" || specifier.startsWith("aws-sdk/");
}
