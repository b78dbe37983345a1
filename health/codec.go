package health

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
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

// DecodeFulfillments decodes many stored fulfilments, in order, on every
// CPU: JSON decoding is most of the time of a report on a shop's whole
// history (BenchmarkReportFromStore10k). bad counts the records that do
// not decode, which are left out.
func DecodeFulfillments(raw [][]byte) (lines []Record, bad int) {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(raw)/500))
	parts := make([][]Record, workers)
	fails := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(raw)/workers, (w+1)*len(raw)/workers
		wg.Go(func() {
			out := make([]Record, 0, hi-lo)
			for _, b := range raw[lo:hi] {
				l, err := DecodeFulfillment(b)
				if err != nil {
					fails[w]++
					continue
				}
				out = append(out, l...)
			}
			parts[w] = out
		})
	}
	wg.Wait()
	for w := range workers {
		lines = append(lines, parts[w]...)
		bad += fails[w]
	}
	return lines, bad
}
