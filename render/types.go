package render

// CloudFormation and SAM resource types wsdesign reads and writes.
const (
	TypeAPI             = "AWS::ApiGatewayV2::Api"
	TypeRoute           = "AWS::ApiGatewayV2::Route"
	TypeRouteResponse   = "AWS::ApiGatewayV2::RouteResponse"
	TypeIntegration     = "AWS::ApiGatewayV2::Integration"
	TypeAuthorizer      = "AWS::ApiGatewayV2::Authorizer"
	TypeStage           = "AWS::ApiGatewayV2::Stage"
	TypeDeployment      = "AWS::ApiGatewayV2::Deployment"
	TypePermission      = "AWS::Lambda::Permission"
	TypeLambdaFunction  = "AWS::Lambda::Function"
	TypeLambdaAlias     = "AWS::Lambda::Alias"
	TypeLambdaVersion   = "AWS::Lambda::Version"
	TypeServerlessFunc  = "AWS::Serverless::Function"
	TypeServerlessLayer = "AWS::Serverless::LayerVersion"
	TypeLambdaLayer     = "AWS::Lambda::LayerVersion"
	TypeServerlessWSAPI = "AWS::Serverless::WebSocketApi"
	TypeIAMRole         = "AWS::IAM::Role"
	TypeDynamoDBTable   = "AWS::DynamoDB::Table"
	TypeSimpleTable     = "AWS::Serverless::SimpleTable"
	TypeStringParameter = "String"
)

// Property values and fixed strings of the WebSocket resource graph.
const (
	ProtocolWebSocket    = "WEBSOCKET"
	IntegrationAWSProxy  = "AWS_PROXY"
	IntegrationAWS       = "AWS"
	AuthorizationCustom  = "CUSTOM"
	AuthorizationIAM     = "AWS_IAM"
	AuthorizerRequest    = "REQUEST"
	SAMDefaultStage      = "default"
	routeSelectorPrefix  = "$request.body."
	routeSelectorBraced  = "${request.body."
	lambdaInvokeAction   = "lambda:InvokeFunction"
	apiGatewayPrincipal  = "apigateway.amazonaws.com"
	manageConnections    = "execute-api:ManageConnections"
	iamPolicyVersion     = "2012-10-17"
	basicExecutionPolicy = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)
