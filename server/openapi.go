package server

import _ "embed"

// openAPISpec is the API's OpenAPI 3.1 description, served at
// /api/v1/openapi.json; the API tests validate every response against it.
//
//go:embed openapi.json
var openAPISpec []byte
