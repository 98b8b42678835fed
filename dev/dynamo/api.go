package dynamo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// APIError is an error answer of DynamoDB's JSON API.
type APIError struct {
	Operation string
	Status    int
	// Type is the error's __type without its namespace, such as
	// ResourceInUseException.
	Type    string
	Message string
	// extra are the answer's fields besides __type and message (a
	// cancelled transaction's CancellationReasons).
	extra map[string]any
}

func (e *APIError) Error() string {
	return fmt.Sprintf("DynamoDB %s: %d %s: %s", e.Operation, e.Status, e.Type, e.Message)
}

// target is the X-Amz-Target prefix of DynamoDB's operations.
const target = "DynamoDB_20120810."

// contentType is the content type of DynamoDB's JSON API.
const contentType = "application/x-amz-json-1.0"

// client calls DynamoDB's JSON API with placeholder credentials: the local
// DynamoDBs do not verify signatures, but DynamoDB Local and LocalStack keep
// tables apart by access key and region, so they are those handlers get.
type client struct {
	endpoint    string
	region      string
	accessKeyID string
	http        *http.Client
}

// call sends operation with in as its body and decodes the answer into out
// (when not nil).
func (c *client) call(ctx context.Context, operation string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("DynamoDB %s: %w", operation, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("DynamoDB %s: %w", operation, err)
	}
	now := time.Now().UTC()
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", target+operation)
	req.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
	req.Header.Set("Authorization", fmt.Sprintf(
		"AWS4-HMAC-SHA256 Credential=%s/%s/%s/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=%s",
		c.accessKeyID, now.Format("20060102"), c.region, strings.Repeat("0", 64)))
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("DynamoDB %s: %w", operation, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("DynamoDB %s: %w", operation, err)
	}
	if resp.StatusCode/100 != 2 {
		var answer struct {
			Type     string `json:"__type"`
			Message  string `json:"message"`
			MessageC string `json:"Message"`
		}
		json.Unmarshal(data, &answer)
		apiErr := &APIError{Operation: operation, Status: resp.StatusCode, Type: answer.Type, Message: answer.Message + answer.MessageC}
		if i := strings.LastIndexByte(apiErr.Type, '#'); i >= 0 {
			apiErr.Type = apiErr.Type[i+1:]
		}
		if apiErr.Type == "" && apiErr.Message == "" {
			apiErr.Message = strings.TrimSpace(string(data))
		}
		return apiErr
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("DynamoDB %s: %w", operation, err)
	}
	return nil
}

// isType says whether err is an APIError of type typ.
func isType(err error, typ string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Type == typ
}
