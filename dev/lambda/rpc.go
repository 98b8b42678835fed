package lambda

// Lambda's go1.x runtime did not give the function the Runtime API: it
// started the executable with _LAMBDA_SERVER_PORT set, and the program,
// through aws-lambda-go's lambda.Start, served Go's net/rpc on that port,
// where the runtime called Function.Ping until it answered and then
// Function.Invoke once per invocation. Old versions of aws-lambda-go speak
// only that, and current ones choose it when the variable is set, so on
// go1.x dev does as that runtime did.

import (
	"net"
	"net/rpc"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// freePort picks a port for the program to serve on: one the system has
// just handed out and taken back, so that it is most likely still free.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// serveRPC plays the go1.x runtime's part for pr: once the program's port
// answers Ping, it calls Function.Invoke with each invocation pr.next hands
// it, as serveNext hands them to a program that asks the Runtime API. Until
// then the invocation waits within the init limit, which invoke keeps, and
// the function's timeout runs from the call. A call that fails means the
// connection broke, the program crashing or about to: its process is
// killed, so that invoke reports the exit and the pool replaces it.
func (pr *process) serveRPC(port string) {
	client := pr.dialRPC(net.JoinHostPort("127.0.0.1", port))
	if client == nil {
		return
	}
	defer client.Close()
	pr.ready.Store(true)
	for {
		var inv *invocation
		select {
		case inv = <-pr.next:
		case <-pr.exited:
			return
		}
		inv.deadline = time.Now().Add(pr.fn.Timeout)
		req := &messages.InvokeRequest{
			Payload:            inv.event,
			RequestId:          inv.id,
			XAmznTraceId:       inv.traceID(),
			Deadline:           messages.InvokeRequest_Timestamp{Seconds: inv.deadline.Unix(), Nanos: int64(inv.deadline.Nanosecond())},
			InvokedFunctionArn: pr.fn.arn(),
		}
		var resp messages.InvokeResponse
		if err := client.Call("Function.Invoke", req, &resp); err != nil {
			pr.kill()
			return
		}
		if e := resp.Error; e != nil {
			// ShouldExit is aws-lambda-go's word that the handler panicked;
			// on provided.* it then ends its process, so here it is ended.
			inv.done <- result{err: pr.fn.rpcError(e), exit: e.ShouldExit}
			continue
		}
		inv.done <- result{body: resp.Payload}
	}
}

// dialRPC connects to the program at addr once Function.Ping answers there,
// trying again until then; nil if the process exits first.
func (pr *process) dialRPC(addr string) *rpc.Client {
	for {
		if c, err := rpc.Dial("tcp", addr); err == nil {
			if c.Call("Function.Ping", &messages.PingRequest{}, &messages.PingResponse{}) == nil {
				return c
			}
			c.Close()
		}
		select {
		case <-pr.exited:
			return nil
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// rpcError is a handler's error as the go1.x runtime reports it, with the
// frames of a panic's stack as its trace.
func (f *function) rpcError(e *messages.InvokeResponse_Error) *FunctionError {
	fe := &FunctionError{Function: f.Name, ErrorType: e.Type, ErrorMessage: e.Message}
	for _, fr := range e.StackTrace {
		if fr != nil {
			fe.Trace = append(fe.Trace, frameLine(fr.Path, int(fr.Line), fr.Label))
		}
	}
	return fe
}
