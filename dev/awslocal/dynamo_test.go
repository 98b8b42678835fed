package awslocal

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/dev/dynamo"
)

// TestBoto3ReachesLocalDynamoDB drives boto3, with no endpoint set, through
// the front to dynalite: the route, the certificate and the response
// checksums boto3 verifies.
func TestBoto3ReachesLocalDynamoDB(t *testing.T) {
	pythons := boto3Pythons(t)
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed")
	}
	cache := t.TempDir()
	db, err := dynamo.Start(context.Background(), dynamo.Options{CacheDir: cache})
	if err != nil {
		t.Skipf("dynalite could not be installed or started: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	table := dynamo.Table{
		Name:                 "Connections",
		KeySchema:            []dynamo.KeyElement{{AttributeName: "connectionId", KeyType: "HASH"}},
		AttributeDefinitions: []dynamo.AttributeDefinition{{AttributeName: "connectionId", AttributeType: "S"}},
	}
	if err := db.CreateTables(context.Background(), []dynamo.Table{table}); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{}
	front, err := Start(Options{CacheDir: cache, DynamoDB: db.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { front.Close() })
	fx.front = front
	for version, python := range pythons {
		t.Run(version, func(t *testing.T) {
			// Each interpreter writes its own item, so that none reads
			// another's.
			out := fx.run(t, python, "-c", `
import boto3, sys
d = boto3.client("dynamodb")
d.put_item(TableName="Connections", Item={"connectionId": {"S": sys.argv[1]}, "by": {"S": boto3.__version__}})
print(d.get_item(TableName="Connections", Key={"connectionId": {"S": sys.argv[1]}})["Item"]["by"]["S"])
`, version)
			if got, want := "boto3-"+strings.TrimSpace(out), version; got != want {
				t.Errorf("boto3 read back %q, want %q", got, want)
			}
		})
	}
}
