package delivery

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
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
//
// It also drops what does not fit, so that the rest of the document can
// still be decoded and its meaning checked (LoadShop reports both kinds of
// problem together): an unknown key or a bad value is deleted from its
// mapping, and a bad list element becomes null, which keeps the indexes of
// the others. It returns false when v itself does not fit t.
func checkTree(ps *problems, path string, v any, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return true // an explicit null is the same as leaving the key out
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		s, ok := v.(string)
		if !ok {
			ps.add(path, "must be a string, not %s", kindOf(v))
			return false
		}
		ptr := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := ptr.UnmarshalText([]byte(s)); err != nil {
			ps.add(path, "%v", err)
			return false
		}
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		return checkObject(ps, path, v, t)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			ps.add(path, "must be a list, not %s", kindOf(v))
			return false
		}
		for i, e := range list {
			if !checkTree(ps, path+"["+strconv.Itoa(i)+"]", e, t.Elem()) {
				list[i] = nil
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			ps.add(path, "must be a mapping, not %s", kindOf(v))
			return false
		}
		for _, k := range sortedKeys(m) {
			if !checkTree(ps, join(path, k), m[k], t.Elem()) {
				delete(m, k)
			}
		}
	case reflect.String:
		if _, ok := v.(string); ok {
			return true
		}
		if n, ok := v.(json.Number); ok && t == refType {
			if _, err := n.Int64(); err == nil {
				return true
			}
		}
		ps.add(path, "must be a string, not %s", kindOf(v))
		return false
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			ps.add(path, "must be a whole number, not %s", kindOf(v))
			return false
		}
		i, err := n.Int64()
		if err != nil {
			ps.add(path, "must be a whole number, not %s", n)
			return false
		}
		if t.Kind() != reflect.Int64 && (i < -1<<31 || i > 1<<31-1) {
			ps.add(path, "%s is out of range", n)
			return false
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			ps.add(path, "must be true or false, not %s", kindOf(v))
			return false
		}
	}
	return true
}

func checkObject(ps *problems, path string, v any, t reflect.Type) bool {
	m, ok := v.(map[string]any)
	if !ok {
		ps.add(path, "must be a mapping, not %s", kindOf(v))
		return false
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
			delete(m, k)
			continue
		}
		if !checkTree(ps, join(path, k), m[k], f.Type) || emptyMeansAbsent(f, m[k]) {
			delete(m, k)
		}
	}
	return true
}

// emptyMeansAbsent reports whether v, the value of field f, is an empty list
// or mapping that Settings would drop when written back (omitempty), so
// that a document reads the same before and after a save: `tags: []` and
// no tags are one setting. A field whose absence means a default and whose
// emptiness is an error (processing_days) says check:"keepempty".
func emptyMeansAbsent(f reflect.StructField, v any) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	if !slices.Contains(strings.Split(opts, ","), "omitempty") || f.Tag.Get("check") == "keepempty" {
		return false
	}
	switch v := v.(type) {
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// explains reports whether a problem at path, found by Compile in a document
// from which checkTree dropped what did not fit, may be a consequence of a
// problem already in ps: it is at, inside or above a dropped value, or
// beside it in the same object (processing.min "must be ≤ max" once a bad
// processing.max was dropped).
func (ps problems) explains(path string) bool {
	for _, p := range ps {
		if within(path, p.Path) || within(p.Path, path) {
			return true
		}
		if parent := parentObject(p.Path); parent != "" && within(path, parent) {
			return true
		}
	}
	return false
}

// within reports whether path is base or inside it.
func within(path, base string) bool {
	if base == "" || path == base {
		return true
	}
	return strings.HasPrefix(path, base) && (path[len(base)] == '.' || path[len(base)] == '[')
}

// parentObject returns the path of the object holding the key at path, or
// "" for a list element or a top-level key: list elements and top-level keys
// do not depend on their siblings.
func parentObject(path string) string {
	if strings.HasSuffix(path, "]") {
		return ""
	}
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return ""
	}
	return path[:i]
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
