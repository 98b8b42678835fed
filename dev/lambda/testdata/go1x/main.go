// Command go1x is a Go handler for the tests of the go1.x runtime. Built with
// aws-lambda-go's lambda.Start, it serves net/rpc on _LAMBDA_SERVER_PORT, as
// on Lambda's go1.x runtime; built with the tag lambda.norpc, it cannot.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// event says what an invocation is to do besides answer.
type event struct {
	Wait  int  `json:"wait"` // milliseconds to take
	Fail  bool `json:"fail"` // return an error
	Panic bool `json:"panic"`
	Exit  bool `json:"exit"` // end the process in the middle of the invocation
}

// answer tells the test what the handler was given and when it ran.
type answer struct {
	Pid      int    `json:"pid"`
	Start    int64  `json:"start"`
	End      int64  `json:"end"`
	Request  string `json:"request"`
	ARN      string `json:"arn"`
	Deadline int64  `json:"deadline"`
	// Port is the port the program serves net/rpc on, which lambda.Start
	// does whenever it is given one.
	Port string `json:"port"`
}

func handle(ctx context.Context, e event) (answer, error) {
	a := answer{Pid: os.Getpid(), Start: time.Now().UnixMilli(), Port: os.Getenv("_LAMBDA_SERVER_PORT")}
	switch {
	case e.Fail:
		return a, errors.New("denied")
	case e.Panic:
		panic("boom")
	case e.Exit:
		os.Exit(3)
	}
	time.Sleep(time.Duration(e.Wait) * time.Millisecond)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		a.Request, a.ARN = lc.AwsRequestID, lc.InvokedFunctionArn
	}
	if d, ok := ctx.Deadline(); ok {
		a.Deadline = d.UnixMilli()
	}
	fmt.Println("handled", a.Request)
	a.End = time.Now().UnixMilli()
	return a, nil
}

func main() {
	// GO1X_INIT is how long the program takes to start, before it serves.
	if d, err := time.ParseDuration(os.Getenv("GO1X_INIT")); err == nil {
		time.Sleep(d)
	}
	lambda.Start(handle)
}
