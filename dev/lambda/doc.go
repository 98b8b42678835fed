// Package lambda runs Lambda functions on the developer's machine: each function in its own warm
// process, reused between invocations, driven through the Lambda Runtime API by a small bootstrap
// per runtime embedded in the binary, or, on the OS-only runtimes, by the function's own
// executable, which speaks the Runtime API itself or, on go1.x, serves net/rpc as that runtime
// had it do. Concurrent invocations start more processes up to a cap per function; the rest wait
// their turn, as reserved concurrency would.
package lambda
