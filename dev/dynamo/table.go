package dynamo

// Table is the definition of a DynamoDB table, in the shape of DynamoDB's
// CreateTable request: it marshals to that request's JSON as it is.
type Table struct {
	Name                   string                `json:"TableName"`
	KeySchema              []KeyElement          `json:"KeySchema"`
	AttributeDefinitions   []AttributeDefinition `json:"AttributeDefinitions"`
	GlobalSecondaryIndexes []Index               `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes  []Index               `json:"LocalSecondaryIndexes,omitempty"`
	// BillingMode is PAY_PER_REQUEST or PROVISIONED; empty means
	// PROVISIONED when ProvisionedThroughput is set, PAY_PER_REQUEST
	// otherwise.
	BillingMode           string      `json:"BillingMode,omitempty"`
	ProvisionedThroughput *Throughput `json:"ProvisionedThroughput,omitempty"`
}

// KeyElement is one attribute of a key: KeyType is HASH or RANGE.
type KeyElement struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

// AttributeDefinition declares a key attribute: AttributeType is S, N or B.
type AttributeDefinition struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

// Index is a global or local secondary index. Local ones have no
// ProvisionedThroughput.
type Index struct {
	IndexName             string       `json:"IndexName"`
	KeySchema             []KeyElement `json:"KeySchema"`
	Projection            Projection   `json:"Projection"`
	ProvisionedThroughput *Throughput  `json:"ProvisionedThroughput,omitempty"`
}

// Projection says which attributes an index holds: ProjectionType is ALL,
// KEYS_ONLY or INCLUDE (with NonKeyAttributes).
type Projection struct {
	ProjectionType   string   `json:"ProjectionType,omitempty"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

// Throughput is a provisioned table's or index's capacity.
type Throughput struct {
	ReadCapacityUnits  int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits int64 `json:"WriteCapacityUnits"`
}

// Billing modes.
const (
	PayPerRequest = "PAY_PER_REQUEST"
	Provisioned   = "PROVISIONED"
)

// createRequest is the CreateTable request for t, its billing mode filled.
func (t Table) createRequest() Table {
	if t.BillingMode == "" {
		t.BillingMode = PayPerRequest
		if t.ProvisionedThroughput != nil {
			t.BillingMode = Provisioned
		}
	}
	return t
}
