package gateway

import (
	"net/http"
	"strings"
)

// sigV4 reads the SigV4 signature of a $connect request to a route that
// AWS_IAM authorizes: in the query (a presigned URL: X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Signature) or in an Authorization header. It
// returns the access key the signature names, or why API Gateway refuses
// the request before it checks the signature: none, or one for another
// service than execute-api. The signature itself is not verified: dev has
// no secret key to verify it with.
func sigV4(r *http.Request) (accessKey, refused string) {
	q := r.URL.Query()
	credential, signature, algorithm := q.Get("X-Amz-Credential"), q.Get("X-Amz-Signature"), q.Get("X-Amz-Algorithm")
	if auth := r.Header.Get("Authorization"); credential == "" && auth != "" {
		algorithm, _, _ = strings.Cut(auth, " ")
		for _, part := range strings.Split(auth[len(algorithm):], ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				credential = v
			case "Signature":
				signature = v
			}
		}
	}
	switch {
	case credential == "" && signature == "":
		return "", "the request is not signed (AWS_IAM takes a SigV4 signature, in the query or an Authorization header)"
	case algorithm != "AWS4-HMAC-SHA256" || credential == "" || signature == "":
		return "", "the SigV4 signature is incomplete: it takes the algorithm AWS4-HMAC-SHA256, a credential and a signature"
	}
	// AKID/date/region/service/aws4_request
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return "", "the SigV4 credential " + credential + " is not KEY/DATE/REGION/SERVICE/aws4_request"
	}
	if scope[3] != "execute-api" {
		return "", "the request is signed for the service " + scope[3] + ", not execute-api"
	}
	return scope[0], ""
}
