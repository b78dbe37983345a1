package delivery

import (
	"encoding"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

var (
	settingsType        = reflect.TypeFor[Settings]()
	refType             = reflect.TypeFor[Ref]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// checkTree walks a decoded document beside the Go type it must fit and
// reports, all at once and by path, unknown keys, missing required keys and
// values of the wrong kind. encoding/json alone would stop at the first.
func checkTree(ps *problems, path string, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return // an explicit null is the same as leaving the key out
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		s, ok := v.(string)
		if !ok {
			ps.add(path, "must be a string, not %s", kindOf(v))
			return
		}
		ptr := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := ptr.UnmarshalText([]byte(s)); err != nil {
			ps.add(path, "%v", err)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		checkObject(ps, path, v, t)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			ps.add(path, "must be a list, not %s", kindOf(v))
			return
		}
		for i, e := range list {
			checkTree(ps, path+"["+strconv.Itoa(i)+"]", e, t.Elem())
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			ps.add(path, "must be a mapping, not %s", kindOf(v))
			return
		}
		for _, k := range sortedKeys(m) {
			checkTree(ps, join(path, k), m[k], t.Elem())
		}
	case reflect.String:
		if _, ok := v.(string); ok {
			return
		}
		if n, ok := v.(json.Number); ok && t == refType {
			if _, err := n.Int64(); err == nil {
				return
			}
		}
		ps.add(path, "must be a string, not %s", kindOf(v))
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			ps.add(path, "must be a whole number, not %s", kindOf(v))
			return
		}
		if _, err := n.Int64(); err != nil {
			ps.add(path, "must be a whole number, not %s", n)
		} else if t.Kind() != reflect.Int64 {
			if i, _ := n.Int64(); i < -1<<31 || i > 1<<31-1 {
				ps.add(path, "%s is out of range", n)
			}
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			ps.add(path, "must be true or false, not %s", kindOf(v))
		}
	}
}

func checkObject(ps *problems, path string, v any, t reflect.Type) {
	m, ok := v.(map[string]any)
	if !ok {
		ps.add(path, "must be a mapping, not %s", kindOf(v))
		return
	}
	fields := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = f
		if f.Tag.Get("check") == "required" {
			if e, present := m[name]; !present || e == nil {
				ps.add(join(path, name), "is required")
			}
		}
	}
	for _, k := range sortedKeys(m) {
		f, known := fields[k]
		if !known {
			ps.add(join(path, k), "unknown key")
			continue
		}
		checkTree(ps, join(path, k), m[k], f.Type)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func kindOf(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "the number " + v.String()
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return reflect.TypeOf(v).String()
}
