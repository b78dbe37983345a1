package health

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// maxJSONLLine bounds one line of a history file.
const maxJSONLLine = 1 << 20

// ReadJSONL reads a history: one Record per line, blank lines allowed.
// Every record is validated, and an error names its line. A record whose
// fulfilment and line were seen before replaces the earlier one, as the
// store keeps one value per fulfilment: a history with replays in it
// counts each line once.
func ReadJSONL(r io.Reader) ([]Record, error) {
	type lineKey struct{ fulfillment, line, variant int64 }
	var out []Record
	seen := map[lineKey]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxJSONLLine)
	for n := 1; sc.Scan(); n++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec Record
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("line %d: %w: %v", n, ErrInvalidRecord, err)
		}
		if err := rec.Validate(); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		k := lineKey{rec.FulfillmentID, rec.LineItemID, rec.VariantID}
		if i, dup := seen[k]; dup {
			out[i] = rec
			continue
		}
		seen[k] = len(out)
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("health: ReadJSONL: %w", err)
	}
	return out, nil
}

// WriteJSONL writes records one per line, as ReadJSONL reads them.
func WriteJSONL(w io.Writer, records []Record) error {
	enc := json.NewEncoder(w)
	for i := range records {
		if err := enc.Encode(&records[i]); err != nil {
			return fmt.Errorf("health: WriteJSONL: %w", err)
		}
	}
	return nil
}
