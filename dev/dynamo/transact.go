package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// dynalite has no transactions; the proxy answers TransactWriteItems and
// TransactGetItems itself, with the operations dynalite has. A write
// transaction reads every item it touches, runs its operations in order
// (each with its condition; a ConditionCheck as a write of the item as it
// is, or a delete of the absent item, under the condition) and, when one
// fails, writes back the items as they were and answers as DynamoDB does:
// TransactionCanceledException with a reason per operation. Transactions
// run one at a time; other calls are not held back while one runs, so a
// concurrent reader may see a transaction half done, which DynamoDB never
// shows. The reasons name the first operation that failed; DynamoDB would
// name every one whose condition fails.

// maxTransactItems is DynamoDB's limit of operations in one transaction.
const maxTransactItems = 100

type transactRequest struct {
	TransactItems []map[string]json.RawMessage
}

// transactOp is what the proxy reads of one operation of a transaction; the
// operation is passed on as it is.
type transactOp struct {
	TableName                           string
	Key, Item                           map[string]json.RawMessage
	ConditionExpression                 string
	ExpressionAttributeNames            json.RawMessage
	ExpressionAttributeValues           json.RawMessage
	ReturnValuesOnConditionCheckFailure string
}

// transact answers a TransactWriteItems or TransactGetItems call.
func (s *Server) transact(ctx context.Context, w http.ResponseWriter, operation string, body []byte) {
	var req transactRequest
	if err := json.Unmarshal(body, &req); err != nil {
		dynamoError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	if n := len(req.TransactItems); n == 0 || n > maxTransactItems {
		dynamoError(w, http.StatusBadRequest, "ValidationException", fmt.Sprintf("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and %d", maxTransactItems))
		return
	}
	s.txMu.Lock()
	defer s.txMu.Unlock()
	var answer any
	var err error
	if operation == "TransactGetItems" {
		answer, err = s.transactGet(ctx, req)
	} else {
		answer, err = s.transactWrite(ctx, req)
	}
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		dynamoErrorWith(w, apiErr.Status, apiErr.Type, apiErr.Message, apiErr.extra)
	case err != nil:
		dynamoError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
	default:
		b, _ := json.Marshal(answer)
		w.Header().Set("Content-Type", contentType)
		w.Write(b)
	}
}

// one is the operation of a transaction's item, which names exactly one of
// kinds.
func one(item map[string]json.RawMessage, kinds ...string) (kind string, raw json.RawMessage, op transactOp, err error) {
	if len(item) == 1 {
		for _, k := range kinds {
			if r, ok := item[k]; ok {
				kind, raw = k, r
			}
		}
	}
	if kind == "" {
		return "", nil, op, validation("TransactItems take exactly one of " + strings.Join(kinds, ", ") + " each")
	}
	if err := json.Unmarshal(raw, &op); err != nil {
		return "", nil, op, validation(kind + ": " + err.Error())
	}
	if op.TableName == "" {
		return "", nil, op, validation(kind + " needs a TableName")
	}
	return kind, raw, op, nil
}

func (s *Server) transactGet(ctx context.Context, req transactRequest) (any, error) {
	var responses []map[string]json.RawMessage
	for _, item := range req.TransactItems {
		_, raw, _, err := one(item, "Get")
		if err != nil {
			return nil, err
		}
		get := map[string]json.RawMessage{}
		json.Unmarshal(raw, &get)
		get["ConsistentRead"] = json.RawMessage("true")
		out := map[string]json.RawMessage{}
		if err := s.api.call(ctx, "GetItem", get, &out); err != nil {
			return nil, err
		}
		got := map[string]json.RawMessage{}
		if it, ok := out["Item"]; ok {
			got["Item"] = it
		}
		responses = append(responses, got)
	}
	return map[string]any{"Responses": responses}, nil
}

// written is an item a write transaction touches, as it was before.
type written struct {
	table string
	key   map[string]json.RawMessage
	was   json.RawMessage // the item, or nil where there was none
}

func (s *Server) transactWrite(ctx context.Context, req transactRequest) (any, error) {
	var steps []transactStep
	seen := map[string]bool{}
	keyNames := map[string][]string{}
	for _, it := range req.TransactItems {
		kind, raw, op, err := one(it, "ConditionCheck", "Put", "Delete", "Update")
		if err != nil {
			return nil, err
		}
		key := op.Key
		if kind == "Put" {
			names, ok := keyNames[op.TableName]
			if !ok {
				if names, err = s.keyNames(ctx, op.TableName); err != nil {
					return nil, err
				}
				keyNames[op.TableName] = names
			}
			key = map[string]json.RawMessage{}
			for _, n := range names {
				key[n] = op.Item[n]
			}
		}
		id, _ := json.Marshal(map[string]any{"t": op.TableName, "k": key})
		if seen[string(id)] {
			return nil, validation("Transaction request cannot include multiple operations on one item")
		}
		seen[string(id)] = true
		var out struct{ Item json.RawMessage }
		if err := s.api.call(ctx, "GetItem", map[string]any{"TableName": op.TableName, "Key": key, "ConsistentRead": true}, &out); err != nil {
			return nil, err
		}
		steps = append(steps, transactStep{kind, raw, op, written{op.TableName, key, out.Item}})
	}
	for i, st := range steps {
		operation, call := st.call()
		err := s.api.call(ctx, operation, call, nil)
		if err == nil {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			if rerr := s.restore(ctx, steps[j].item); rerr != nil {
				return nil, fmt.Errorf("the transaction failed at its operation %d (%v), and putting back what it wrote failed too: %w", i+1, err, rerr)
			}
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Type != "ConditionalCheckFailedException" {
			return nil, err
		}
		reasons := make([]map[string]any, len(steps))
		codes := make([]string, len(steps))
		for j := range steps {
			reasons[j], codes[j] = map[string]any{"Code": "None"}, "None"
		}
		codes[i] = "ConditionalCheckFailed"
		reasons[i] = map[string]any{"Code": codes[i], "Message": "The conditional request failed"}
		if st.op.ReturnValuesOnConditionCheckFailure == "ALL_OLD" && st.item.was != nil {
			reasons[i]["Item"] = st.item.was
		}
		return nil, &APIError{Status: http.StatusBadRequest, Type: "TransactionCanceledException",
			Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
			extra:   map[string]any{"CancellationReasons": reasons}}
	}
	return struct{}{}, nil
}

// transactStep is one operation of a write transaction.
type transactStep struct {
	kind string
	raw  json.RawMessage
	op   transactOp
	item written
}

// call is the operation of dynalite's that runs st, with its request: Put,
// Update and Delete as they are (but the field only transactions take); a
// ConditionCheck as a write of the item as it is, or the delete of the
// absent item, under the condition.
func (st transactStep) call() (string, map[string]json.RawMessage) {
	req := map[string]json.RawMessage{}
	json.Unmarshal(st.raw, &req)
	delete(req, "ReturnValuesOnConditionCheckFailure")
	switch st.kind {
	case "Put":
		return "PutItem", req
	case "Update":
		return "UpdateItem", req
	case "Delete":
		return "DeleteItem", req
	}
	if st.item.was != nil {
		delete(req, "Key")
		req["Item"] = st.item.was
		return "PutItem", req
	}
	return "DeleteItem", req
}

// restore writes back an item as it was before the transaction.
func (s *Server) restore(ctx context.Context, it written) error {
	if it.was != nil {
		return s.api.call(ctx, "PutItem", map[string]any{"TableName": it.table, "Item": it.was}, nil)
	}
	return s.api.call(ctx, "DeleteItem", map[string]any{"TableName": it.table, "Key": it.key}, nil)
}

// keyNames are the names of the key attributes of table.
func (s *Server) keyNames(ctx context.Context, table string) ([]string, error) {
	var out struct {
		Table struct{ KeySchema []KeyElement }
	}
	if err := s.api.call(ctx, "DescribeTable", map[string]string{"TableName": table}, &out); err != nil {
		return nil, err
	}
	var names []string
	for _, k := range out.Table.KeySchema {
		names = append(names, k.AttributeName)
	}
	return names, nil
}

func validation(msg string) error {
	return &APIError{Status: http.StatusBadRequest, Type: "ValidationException", Message: msg}
}
