package health

import (
	"encoding/json"
	"fmt"
)

// EncodeFulfillment is how the lines of one fulfilment are stored: a JSON
// array of Records, the same shape as a line of a JSONL history. The
// encoding is deterministic, so recording the same fulfilment twice gives
// the same bytes and the store can tell that nothing changed.
func EncodeFulfillment(lines []Record) ([]byte, error) {
	b, err := json.Marshal(lines)
	if err != nil {
		return nil, fmt.Errorf("health: EncodeFulfillment: %w", err)
	}
	return b, nil
}

// DecodeFulfillment reverses EncodeFulfillment.
func DecodeFulfillment(b []byte) ([]Record, error) {
	var lines []Record
	if err := json.Unmarshal(b, &lines); err != nil {
		return nil, fmt.Errorf("health: DecodeFulfillment: %w", err)
	}
	return lines, nil
}
