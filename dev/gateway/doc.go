// Package gateway behaves as API Gateway's WebSocket APIs do, message by message: connections,
// route selection, 1-way and 2-way routes, the @connections API and the limits. Running the
// functions is behind Invoker.
package gateway
