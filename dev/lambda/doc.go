// Package lambda runs Lambda functions on the developer's machine: each function in its own warm
// process, reused between invocations, driven through the Lambda Runtime API by a small bootstrap
// per runtime embedded in the binary. Concurrent invocations start more processes up to a cap per
// function; the rest wait their turn, as reserved concurrency would.
package lambda
