package lambda

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// bundleLike is what an esbuild bundle that inlined the AWS SDK v3 holds:
// quoted @aws-sdk/… strings that are no imports (a symbol's name, log
// lines, the SDK's own advice, with import syntax, to load optional
// packages), a guarded require of an optional package esbuild could not
// resolve, and one real import of a client.
const bundleLike = `var REVIVER_SYMBOL = /* @__PURE__ */ Symbol.for("@aws-sdk/reviver");
var nested = { name: "@aws-sdk/nested-clients", version: "3.1" };
var deps = { "@aws-sdk/core": "^3.981.0" };
init.logger?.debug("@aws-sdk/credential-provider-node - defaultProvider");
throw new Error("@aws-sdk/core/protocols - cannot parse");
throw new Error('Neither CRT nor JS SigV4a implementation is available. Please check whether you have installed the "@aws-sdk/signature-v4-crt" package explicitly. You must also register the package by calling [require("@aws-sdk/signature-v4-crt");] or an ESM equivalent such as [import "@aws-sdk/signature-v4-crt";].');
throw new Error("You must also register the package by calling [require('@aws-sdk/signature-v4a');] or an ESM equivalent");
try { crt = require("@aws-sdk/signature-v4-crt"); } catch {}
const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
exports.handler = async () => 1;
`

func writeCode(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Only module specifiers are imports, and only packages Lambda's runtime
// carries are provided.
func TestSDKImportsTakesModuleSpecifiers(t *testing.T) {
	dir := writeCode(t, map[string]string{"dist/index.js": bundleLike})
	if got := sdkImports(dir, "nodejs20.x", nil); !slices.Equal(got, []string{"@aws-sdk/client-dynamodb"}) {
		t.Errorf("got %q, want only @aws-sdk/client-dynamodb", got)
	}
}

func TestSDKNamesESM(t *testing.T) {
	src := `import { S3Client } from "@aws-sdk/client-s3";
import * as sts from '@aws-sdk/client-sts';
import def, {
  a,
  b as c,
} from "@aws-sdk/lib-dynamodb";
import{KMSClient as K}from"@aws-sdk/client-kms";
import "@aws-sdk/client-sqs";
export { marshall } from "@aws-sdk/util-dynamodb";
export * from '@aws-sdk/client-ssm';
const sns = await import("@aws-sdk/client-sns");
const lazy = () => import(` + "`@aws-sdk/client-sfn`" + `);
const v2 = require("aws-sdk/clients/dynamodb");
const e = __require("@aws-sdk/client-eventbridge/dist-cjs/index.js");
import x from "./local.mjs";
import y from "aws-sdk-mock";
const text = "loaded from '@aws-sdk/client-not-an-import' at start";
console.log("@aws-sdk/client-lambda");
obj.import("@aws-sdk/client-glue");
`
	want := []string{"@aws-sdk/client-eventbridge", "@aws-sdk/client-kms", "@aws-sdk/client-s3", "@aws-sdk/client-sfn", "@aws-sdk/client-sns", "@aws-sdk/client-sqs", "@aws-sdk/client-ssm", "@aws-sdk/client-sts", "@aws-sdk/lib-dynamodb", "@aws-sdk/util-dynamodb", "aws-sdk"}
	if got := sdkNames([]byte(src), nil); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// A bundle dev built needs from the runtime only the SDK imports it left
// external; what it inlined (and an optional package it could not resolve)
// needs nothing.
func TestSDKImportsOfBundle(t *testing.T) {
	dir := writeCode(t, map[string]string{"index.js": bundleLike + `const s3 = require("@aws-sdk/client-s3/dist-cjs/index.js");`})
	for _, c := range []struct {
		external []string
		want     []string
	}{
		{nil, nil},
		{[]string{"left-pad"}, nil},
		{[]string{"@aws-sdk/*"}, []string{"@aws-sdk/client-dynamodb", "@aws-sdk/client-s3"}},
		{[]string{"@aws-sdk/client-s3"}, []string{"@aws-sdk/client-s3"}},
		{[]string{"*"}, []string{"@aws-sdk/client-dynamodb", "@aws-sdk/client-s3"}},
	} {
		if got := sdkImports(dir, "nodejs20.x", &Bundle{External: c.external}); !slices.Equal(got, c.want) {
			t.Errorf("external %q: got %q, want %q", c.external, got, c.want)
		}
	}
}

func TestRuntimeProvides(t *testing.T) {
	for name, want := range map[string]bool{
		"@aws-sdk/client-dynamodb": true, "@aws-sdk/lib-dynamodb": true, "@aws-sdk/s3-request-presigner": true,
		"@aws-sdk/signature-v4-crt": false, "@aws-sdk/crc64-nvme-crt": false, "@aws-sdk/signature-v4a": false,
		"aws-sdk": false,
	} {
		if got := runtimeProvides(name, "nodejs20.x"); got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if !runtimeProvides("aws-sdk", "nodejs16.x") {
		t.Error("nodejs16.x provides aws-sdk")
	}
}

// A failed install of the SDK the runtime provides does not stop the pool:
// the functions that need it are not run and say why (the package and
// npm's error), npm is tried once for them, and the others serve.
func TestFailedSDKInstallRunsTheRest(t *testing.T) {
	need(t, "node")
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in npm is a shell script")
	}
	tmp := t.TempDir()
	calls := filepath.Join(tmp, "calls")
	npmStub := filepath.Join(tmp, "npm")
	os.WriteFile(npmStub, []byte("#!/bin/sh\necho \"$@\" >> "+calls+"\necho 'npm error 404 Not Found - GET https://registry.npmjs.org/@aws-sdk%2fclient-dynamodb' >&2\nexit 1\n"), 0o755)
	code := writeCode(t, map[string]string{
		"plain/index.js": `exports.handler = async () => "plain";`,
		"crt/index.js":   `let crt; try { crt = require("@aws-sdk/signature-v4-crt"); } catch {} exports.handler = async () => "crt";`,
		"db/index.js":    bundleLike,
		"db2/index.mjs":  `import { DynamoDBClient } from "@aws-sdk/client-dynamodb"; export const handler = async () => 1;`,
	})
	var mu sync.Mutex
	var lines []string
	var fns []Function
	for _, name := range []string{"plain", "crt", "db", "db2"} {
		fns = append(fns, Function{Name: name, Runtime: "nodejs20.x", Handler: "index.handler", Dir: filepath.Join(code, name)})
	}
	p, err := NewPool(fns, Options{NPM: npmStub, SDKCache: filepath.Join(tmp, "sdk"), Output: func(fn, stream, line string) {
		mu.Lock()
		lines = append(lines, fn+": "+line)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatalf("a failed SDK install stops the pool: %v", err)
	}
	defer p.Close(context.Background())
	for _, fn := range []string{"plain", "crt"} {
		if out, err := p.Invoke(context.Background(), fn, nil); err != nil || string(out) != `"`+fn+`"` {
			t.Errorf("%s: got %s, %v", fn, out, err)
		}
	}
	for _, fn := range []string{"db", "db2"} {
		if _, err := p.Invoke(context.Background(), fn, nil); err == nil {
			t.Errorf("%s runs without its SDK", fn)
		}
	}
	mu.Lock()
	log := strings.Join(lines, "\n")
	mu.Unlock()
	for _, fn := range []string{"db", "db2"} {
		want := fn + ": not run: it imports @aws-sdk/client-dynamodb, which Lambda's Node.js runtime provides, but installing @aws-sdk/client-dynamodb into"
		if !strings.Contains(log, want) {
			t.Errorf("the output does not say %q:\n%s", want, log)
		}
	}
	if !strings.Contains(log, "npm error 404 Not Found") {
		t.Errorf("the output lacks npm's error:\n%s", log)
	}
	b, _ := os.ReadFile(calls)
	if got := strings.TrimSpace(string(b)); strings.Count(got, "\n") != 0 || !strings.HasSuffix(got, " @aws-sdk/client-dynamodb") {
		t.Errorf("npm ran as %q, want once, for @aws-sdk/client-dynamodb only", got)
	}
}
