package health

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
)

// EncodeFulfillment is how the lines of one fulfilment are stored: a
// compact, versioned binary encoding (codec_binary.go), several times
// smaller and cheaper to decode than the JSON array of Records that earlier
// versions stored. The encoding is deterministic, so recording the same
// fulfilment twice gives the same bytes and the store can tell that nothing
// changed.
func EncodeFulfillment(lines []Record) ([]byte, error) {
	return encodeBinary(lines), nil
}

// DecodeFulfillment reverses EncodeFulfillment. It also decodes the JSON
// arrays that earlier versions stored. Every error matches
// ErrCorruptRecord.
func DecodeFulfillment(b []byte) ([]Record, error) {
	var d lineDecoder
	lines, err := d.appendFulfillment(nil, b)
	if err != nil {
		return nil, fmt.Errorf("health: DecodeFulfillment: %w", err)
	}
	return lines, nil
}

// appendFulfillment decodes the stored record b, binary or JSON, and
// appends its lines to dst; on error it returns dst as it was.
func (d *lineDecoder) appendFulfillment(dst []Record, b []byte) ([]Record, error) {
	if len(b) > 0 && b[0] == binaryV1 {
		return d.appendBinary(dst, b)
	}
	if len(b) > 0 && b[0] < ' ' && !isJSONSpace(b[0]) {
		return dst, fmt.Errorf("%w: unknown encoding version %#x", ErrCorruptRecord, b[0])
	}
	var lines []Record
	if err := json.Unmarshal(b, &lines); err != nil {
		return dst, fmt.Errorf("%w: %w", ErrCorruptRecord, err)
	}
	return append(dst, lines...), nil
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// DecodeFulfillments decodes many stored fulfilments, in order, on every
// CPU, straight into one slice per worker: decoding is much of the time
// of a report on a shop's whole history (BenchmarkReportFromStore10k). bad
// counts the records that do not decode, which are left out.
func DecodeFulfillments(raw [][]byte) (lines []Record, bad int) {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(raw)/500))
	parts := make([][]Record, workers)
	fails := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(raw)/workers, (w+1)*len(raw)/workers
		wg.Go(func() {
			var d lineDecoder
			out := make([]Record, 0, hi-lo)
			for _, b := range raw[lo:hi] {
				var err error
				if out, err = d.appendFulfillment(out, b); err != nil {
					fails[w]++
				}
			}
			parts[w] = out
		})
	}
	wg.Wait()
	total := 0
	for w := range workers {
		total += len(parts[w])
		bad += fails[w]
	}
	if workers == 1 {
		return parts[0], bad
	}
	// One allocation and one copy: the records are large.
	lines = make([]Record, 0, total)
	for _, p := range parts {
		lines = append(lines, p...)
	}
	return lines, bad
}
