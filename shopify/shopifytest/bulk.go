package shopifytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/shopify/shopifytest/internal/querycost"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Bulk operations (bulkOperationRunQuery). The fake checks the inner query
// as Shopify does (valid, 1 to 5 connections, nested at most 2 deep, none
// inside a list, one operation at a time per shop), runs it at once with
// its executor (connections read to their end), and flattens the answer
// to Shopify's JSONL. The operation then stays RUNNING, its file
// unpublished, until the test calls FinishBulkOperations: so that the
// client's CREATED → RUNNING → COMPLETED handling can be observed.

// Bulk query limits, as Shopify documents them.
const (
	maxBulkConnections = 5
	maxBulkDepth       = 2
)

// bulkOp is one bulk operation of a shop.
type bulkOp struct {
	id          int64
	query       string
	status      string // CREATED, RUNNING, COMPLETED, FAILED
	errorCode   string // when FAILED
	createdAt   time.Time
	completedAt time.Time
	jsonl       []byte
	objects     int
	roots       int
	url         string // set when COMPLETED with objects
	reads       int    // how many times its status was read
}

func (st *shopState) bulkOp(id int64) *bulkOp {
	for _, op := range st.bulkOps {
		if op.id == id {
			return op
		}
	}
	return nil
}

// runBulkQuery is Mutation.bulkOperationRunQuery.
func (ec *execution) runBulkQuery(q string) (any, error) {
	st := ec.shop
	refuse := func(code, msg string) (any, error) {
		return mapObj{"BulkOperationRunQueryPayload", map[string]any{
			"bulkOperation": nil,
			"userErrors": []any{mapObj{"BulkOperationUserError", map[string]any{
				"code": code, "field": strings2any([]string{"query"}), "message": msg,
			}}},
		}}, nil
	}
	if n := len(st.bulkOps); n > 0 {
		if last := st.bulkOps[n-1]; last.status == "CREATED" || last.status == "RUNNING" {
			return refuse("OPERATION_IN_PROGRESS", fmt.Sprintf("A bulk query operation for this app and shop is already in progress: %s.", gid("BulkOperation", last.id)))
		}
	}
	doc, errs := gqlparser.LoadQuery(schema, q)
	if len(errs) > 0 {
		return refuse("INVALID", "Invalid bulk query: "+errs[0].Message)
	}
	if len(doc.Operations) != 1 || doc.Operations[0].Operation != ast.Query {
		return refuse("INVALID", "Invalid bulk query: a bulk query must be one query operation.")
	}
	op := doc.Operations[0]
	if msg := checkBulkQuery(op.SelectionSet); msg != "" {
		return refuse("INVALID", msg)
	}
	ec.srv.nextID++
	b := &bulkOp{id: ec.srv.nextID, query: q, status: "CREATED", createdAt: ec.srv.now()}
	st.bulkOps = append(st.bulkOps, b)

	run := &execution{srv: ec.srv, shop: st, vars: map[string]any{}, bulk: true}
	data, ok := run.selectionSet(queryRoot{}, op.SelectionSet, nil)
	if len(run.errors) > 0 || !ok {
		b.status, b.errorCode = "FAILED", "INTERNAL_SERVER_ERROR"
		if len(run.errors) > 0 && run.errors[0].Extensions["code"] == "ACCESS_DENIED" {
			b.errorCode = "ACCESS_DENIED"
		}
		b.completedAt = ec.srv.now()
	} else {
		var buf bytes.Buffer
		f := flattener{out: &buf}
		f.set(op.SelectionSet, data, "", 0)
		b.jsonl, b.objects, b.roots = buf.Bytes(), f.objects, f.roots
	}
	return mapObj{"BulkOperationRunQueryPayload", map[string]any{
		"bulkOperation": ec.srv.bulkOperationObj(b),
		"userErrors":    []any{},
	}}, nil
}

// checkBulkQuery returns why Shopify would refuse a bulk query, or "".
func checkBulkQuery(set ast.SelectionSet) string {
	count := 0
	var msg string
	var walk func(set ast.SelectionSet, depth int, inList bool)
	walk = func(set ast.SelectionSet, depth int, inList bool) {
		for _, f := range querycost.FlatFields(set) {
			if msg != "" || f.Definition == nil {
				continue
			}
			typ := f.Definition.Type
			switch {
			case isConnection(f):
				count++
				switch {
				case inList:
					msg = "Queries that contain a connection field within a list field are not currently supported."
				case depth+1 > maxBulkDepth:
					msg = fmt.Sprintf("Bulk queries cannot contain connections with a nesting depth greater than %d.", maxBulkDepth)
				}
				for _, n := range nodeSets(f) {
					if msg == "" && hasConnection(n) && !selectsPlainID(n) {
						msg = fmt.Sprintf("The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'Node' type. Connection field: '%s'", f.Name)
					}
					walk(n, depth+1, inList)
				}
			case typ.Elem != nil:
				walk(f.SelectionSet, depth, true)
			default:
				walk(f.SelectionSet, depth, inList)
			}
		}
	}
	walk(set, 0, false)
	switch {
	case msg != "":
		return msg
	case count == 0:
		return "Bulk queries must contain at least one connection."
	case count > maxBulkConnections:
		return fmt.Sprintf("Bulk queries cannot contain more than %d connections.", maxBulkConnections)
	}
	return ""
}

func isConnection(f *ast.Field) bool {
	return f.Definition != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") && f.Definition.Type.Elem == nil
}

// nodeSets are the selection sets of a connection's nodes: nodes { … }
// and edges { node { … } }.
func nodeSets(f *ast.Field) []ast.SelectionSet {
	var out []ast.SelectionSet
	for _, c := range querycost.FlatFields(f.SelectionSet) {
		switch c.Name {
		case "nodes":
			out = append(out, c.SelectionSet)
		case "edges":
			for _, e := range querycost.FlatFields(c.SelectionSet) {
				if e.Name == "node" {
					out = append(out, e.SelectionSet)
				}
			}
		}
	}
	return out
}

// hasConnection reports whether a selection set holds a connection at any
// depth short of the next connection's nodes.
func hasConnection(set ast.SelectionSet) bool {
	for _, f := range querycost.FlatFields(set) {
		if isConnection(f) || hasConnection(f.SelectionSet) {
			return true
		}
	}
	return false
}

func selectsPlainID(set ast.SelectionSet) bool {
	for _, f := range querycost.FlatFields(set) {
		if f.Name == "id" && (f.Alias == "" || f.Alias == "id") {
			return true
		}
	}
	return false
}

// flattener writes a bulk query's answer as Shopify's JSONL: one line for
// each node of a connection, its nested connections left out; the nodes
// of a nested connection follow their parent's line, each with
// "__parentId", the parent's id.
type flattener struct {
	out     *bytes.Buffer
	objects int
	roots   int
}

// set walks an object's selection, writing the nodes of the connections
// it holds, as children of parent ("" at the root).
func (fl *flattener) set(set ast.SelectionSet, obj orderedObject, parent string, depth int) {
	for _, f := range querycost.FlatFields(set) {
		v, ok := lookup(obj, responseKey(f))
		if !ok {
			continue
		}
		sub, _ := v.(orderedObject)
		if !isConnection(f) {
			if sub != nil {
				fl.set(f.SelectionSet, sub, parent, depth)
			}
			continue
		}
		for _, n := range connectionNodes(f, sub) {
			line := strip(n.set, n.obj)
			if parent != "" {
				line = append(line, member{"__parentId", parent})
			}
			b, _ := json.Marshal(line)
			fl.out.Write(b)
			fl.out.WriteByte('\n')
			fl.objects++
			if depth == 0 {
				fl.roots++
			}
			id, _ := lookup(n.obj, "id")
			idStr, _ := id.(string)
			fl.set(n.set, n.obj, idStr, depth+1)
		}
	}
}

type nodeData struct {
	set ast.SelectionSet
	obj orderedObject
}

// connectionNodes are the nodes of a connection's answer, from edges or
// nodes, whichever was selected first.
func connectionNodes(f *ast.Field, conn orderedObject) []nodeData {
	for _, c := range querycost.FlatFields(f.SelectionSet) {
		items, _ := querycost.List(conn, c.Alias, c.Name)
		switch c.Name {
		case "nodes":
			out := make([]nodeData, 0, len(items))
			for _, it := range items {
				o, _ := it.(orderedObject)
				out = append(out, nodeData{c.SelectionSet, o})
			}
			return out
		case "edges":
			var out []nodeData
			for _, e := range querycost.FlatFields(c.SelectionSet) {
				if e.Name != "node" {
					continue
				}
				for _, it := range items {
					edge, _ := it.(orderedObject)
					n, _ := lookup(edge, responseKey(e))
					o, _ := n.(orderedObject)
					out = append(out, nodeData{e.SelectionSet, o})
				}
				return out
			}
		}
	}
	return nil
}

// strip copies a node without its connections, at any depth.
func strip(set ast.SelectionSet, obj orderedObject) orderedObject {
	fields := map[string]*ast.Field{}
	for _, f := range querycost.FlatFields(set) {
		fields[responseKey(f)] = f
	}
	out := make(orderedObject, 0, len(obj))
	for _, m := range obj {
		f := fields[m.key]
		if f != nil && isConnection(f) {
			continue
		}
		if sub, ok := m.val.(orderedObject); ok && f != nil {
			out = append(out, member{m.key, strip(f.SelectionSet, sub)})
			continue
		}
		if list, ok := m.val.([]any); ok && f != nil {
			cp := make([]any, len(list))
			for i, it := range list {
				if o, ok := it.(orderedObject); ok {
					cp[i] = strip(f.SelectionSet, o)
				} else {
					cp[i] = it
				}
			}
			out = append(out, member{m.key, cp})
			continue
		}
		out = append(out, m)
	}
	return out
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// bulkOperationField resolves QueryRoot.bulkOperation(id:) and
// currentBulkOperation(type:), the shop's latest operation of that type.
func (ec *execution) bulkOperationField(name string, args map[string]any) (any, error) {
	st := ec.shop
	if name == "bulkOperation" {
		id, _ := args["id"].(string)
		res, num, ok := parseGID(id)
		if !ok || res != "BulkOperation" {
			return nil, nil
		}
		if op := st.bulkOp(num); op != nil {
			return ec.srv.bulkOperationObj(op), nil
		}
		return nil, nil
	}
	if typ, _ := args["type"].(string); typ == "MUTATION" || len(st.bulkOps) == 0 {
		return nil, nil // the fake runs bulk queries only
	}
	return ec.srv.bulkOperationObj(st.bulkOps[len(st.bulkOps)-1]), nil
}

// bulkOperationObj is BulkOperation. An operation read once after its
// creation is RUNNING: CREATED is seen only in bulkOperationRunQuery's
// answer, as on Shopify, where it starts at once.
func (s *Server) bulkOperationObj(b *bulkOp) object {
	b.reads++
	if b.status == "CREATED" && b.reads > 1 {
		b.status = "RUNNING"
	}
	fields := map[string]any{
		"id":              gid("BulkOperation", b.id),
		"status":          b.status,
		"errorCode":       nil,
		"createdAt":       dateTime(b.createdAt),
		"completedAt":     nil,
		"objectCount":     "0",
		"rootObjectCount": "0",
		"fileSize":        nil,
		"url":             nil,
		"partialDataUrl":  nil,
		"query":           b.query,
		"type":            "QUERY",
	}
	if b.errorCode != "" {
		fields["errorCode"] = b.errorCode
	}
	if b.status == "COMPLETED" || b.status == "FAILED" {
		fields["completedAt"] = dateTime(b.completedAt)
	}
	if b.status == "COMPLETED" {
		fields["objectCount"] = strconv.Itoa(b.objects)
		fields["rootObjectCount"] = strconv.Itoa(b.roots)
		if b.url != "" { // Shopify gives no file for an empty result
			fields["fileSize"] = strconv.Itoa(len(b.jsonl))
			fields["url"] = b.url
		}
	}
	return mapObj{"BulkOperation", fields}
}

// FinishBulkOperations completes the shop's running bulk operations:
// their JSONL is published at URL/bulk/….jsonl and their status becomes
// COMPLETED (an operation that failed stays FAILED).
func (s *Server) FinishBulkOperations(domain string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.shop(domain).bulkOps {
		if b.status != "CREATED" && b.status != "RUNNING" {
			continue
		}
		b.status, b.completedAt = "COMPLETED", s.now()
		if b.objects == 0 {
			continue
		}
		name := "bulk-" + strconv.FormatInt(b.id, 10) + "-" + randomHex(8)
		if s.bulkFiles == nil {
			s.bulkFiles = map[string][]byte{}
		}
		s.bulkFiles[name] = b.jsonl
		b.url = s.URL + "/bulk/" + name + ".jsonl"
	}
}

// BulkFinishedWebhook returns the body Shopify posts for the topic
// bulk_operations/finish of an operation (its GID).
func (s *Server) BulkFinishedWebhook(domain, operationGID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, num, _ := parseGID(operationGID)
	b := s.shop(domain).bulkOp(num)
	if b == nil {
		panic(fmt.Sprintf("shopifytest: shop %q has no bulk operation %q", domain, operationGID))
	}
	var completed, code any
	if !b.completedAt.IsZero() {
		completed = dateTime(b.completedAt)
	}
	if b.errorCode != "" {
		code = strings.ToLower(b.errorCode)
	}
	body, _ := json.Marshal(map[string]any{
		"admin_graphql_api_id": gid("BulkOperation", b.id),
		"completed_at":         completed,
		"created_at":           dateTime(b.createdAt),
		"error_code":           code,
		"status":               strings.ToLower(b.status),
		"type":                 "query",
	})
	return body
}

// serveBulkFile serves a finished operation's JSONL, as the signed
// storage URL Shopify hands out would: no token needed.
func (s *Server) serveBulkFile(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/bulk/"), ".jsonl")
	s.mu.Lock()
	data, found := s.bulkFiles[name]
	s.mu.Unlock()
	if !ok || !found {
		w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>")
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
