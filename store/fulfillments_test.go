package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// fulfillmentAPI is what the server's health recording consumes.
type fulfillmentAPI interface {
	PutFulfillment(ctx context.Context, shop string, id int64, rec []byte) (bool, error)
	PutFulfillments(ctx context.Context, shop string, recs map[int64][]byte) (int, error)
	Fulfillments(ctx context.Context, shop string) ([][]byte, error)
}

var (
	_ fulfillmentAPI = (*Bolt)(nil)
	_ fulfillmentAPI = (*Redis)(nil)
)

func TestFulfillments(t *testing.T) {
	ctx := context.Background()
	const shop = "health.myshopify.com"
	for _, h := range harnesses() {
		t.Run(h.name, func(t *testing.T) {
			s := h.open(t, Options{})
			f := s.(fulfillmentAPI)
			steps := []struct {
				name        string
				id          int64
				rec         string
				wantChanged bool
			}{
				{"new", 7, `[{"fulfillment_id":7}]`, true},
				{"replayed: nothing changes", 7, `[{"fulfillment_id":7}]`, false},
				{"another, lower id", 3, `[{"fulfillment_id":3}]`, true},
				{"updated with a delivery", 7, `[{"fulfillment_id":7,"delivered_on":"2026-12-16"}]`, true},
				{"the update replayed", 7, `[{"fulfillment_id":7,"delivered_on":"2026-12-16"}]`, false},
			}
			for _, st := range steps {
				changed, err := f.PutFulfillment(ctx, shop, st.id, []byte(st.rec))
				if err != nil {
					t.Fatalf("%s: PutFulfillment: %v", st.name, err)
				}
				if changed != st.wantChanged {
					t.Errorf("%s: changed = %v, want %v", st.name, changed, st.wantChanged)
				}
			}
			assertFulfillments(t, f, shop, `[{"fulfillment_id":3}]`, `[{"fulfillment_id":7,"delivered_on":"2026-12-16"}]`)

			// Reopened (Bolt: the same file; Redis: the same server), it is all there.
			s = h.open(t, Options{})
			f = s.(fulfillmentAPI)
			assertFulfillments(t, f, shop, `[{"fulfillment_id":3}]`, `[{"fulfillment_id":7,"delivered_on":"2026-12-16"}]`)

			for _, bad := range []struct {
				shop string
				id   int64
				rec  string
			}{{"BAD SHOP", 1, "[]"}, {shop, 0, "[]"}, {shop, -1, "[]"}, {shop, 1, ""}} {
				if _, err := f.PutFulfillment(ctx, bad.shop, bad.id, []byte(bad.rec)); err == nil {
					t.Errorf("PutFulfillment(%q, %d, %q) = nil error, want one", bad.shop, bad.id, bad.rec)
				}
			}

			// A batch: one new, one the same, one changed.
			n, err := f.PutFulfillments(ctx, shop, map[int64][]byte{
				3: []byte(`[{"fulfillment_id":3}]`), 9: []byte(`[{"fulfillment_id":9}]`), 7: []byte(`[{"fulfillment_id":7}]`)})
			if err != nil || n != 2 {
				t.Errorf("PutFulfillments = %d, %v; want 2 changed", n, err)
			}
			assertFulfillments(t, f, shop, `[{"fulfillment_id":3}]`, `[{"fulfillment_id":7}]`, `[{"fulfillment_id":9}]`)

			// shop/redact takes the records with everything else.
			if err := s.(storeAPI).DeleteShop(ctx, shop); err != nil {
				t.Fatal(err)
			}
			assertFulfillments(t, f, shop)
		})
	}
}

func assertFulfillments(t *testing.T, f fulfillmentAPI, shop string, want ...string) {
	t.Helper()
	recs, err := f.Fulfillments(context.Background(), shop)
	if err != nil {
		t.Fatalf("Fulfillments: %v", err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, string(r))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Fulfillments = %v, want %v", got, want)
	}
}

const helperFulfillmentsEnv = "LEADTIME_STORE_HELPER_FULFILLMENTS"

// fulfillmentRec is the record the kill test writes for id, about the size
// of a real one-line fulfilment.
func fulfillmentRec(id int64) []byte {
	return fmt.Appendf(nil, `[{"fulfillment_id":%d,"order_id":%d,"product_id":1001,"variant_id":2001,"source":"rule","rule":"handmade","zone":"Sweden","method":"standard","country":"SE","ordered_at":"2026-11-02T10:00:00+01:00","processing":{"min":3,"max":5},"ships":{"earliest":"2026-11-05","latest":"2026-11-09"},"delivery":{"earliest":"2026-11-06","latest":"2026-11-12"},"shipped_on":"2026-11-06"}]`, id, id+100000)
}

// TestHelperFulfillmentWriter is the child of
// TestBoltFulfillmentsSurviveKill9; run directly, it does nothing.
func TestHelperFulfillmentWriter(t *testing.T) {
	path := os.Getenv(helperFulfillmentsEnv)
	if path == "" {
		return
	}
	s, err := OpenBolt(path, Options{LockTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintf(os.Stderr, "helper: %v\n", err)
		os.Exit(2)
	}
	out := bufio.NewWriterSize(os.Stdout, 64)
	for id := int64(1); ; id++ {
		if _, err := s.PutFulfillment(context.Background(), "kill.myshopify.com", id, fulfillmentRec(id)); err != nil {
			fmt.Fprintf(os.Stderr, "helper: %v\n", err)
			os.Exit(2)
		}
		fmt.Fprintf(out, "fulfillment %d\n", id)
		out.Flush()
	}
}

// TestBoltFulfillmentsSurviveKill9: a child records fulfilments one by
// one and prints each id once PutFulfillment returned; it is killed with
// SIGKILL after the 40th acknowledgement. Reopened, the file is sound and
// holds every acknowledged record, intact.
func TestBoltFulfillmentsSurviveKill9(t *testing.T) {
	if os.Getenv(helperFulfillmentsEnv) != "" {
		return
	}
	path := filepath.Join(t.TempDir(), BoltFileName)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFulfillmentWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperFulfillmentsEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 40
	acked := int64(0)
	r := bufio.NewReader(stdout)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break // cut by the kill: not acknowledged
		}
		if id, ok := strings.CutPrefix(strings.TrimSpace(line), "fulfillment "); ok {
			acked, _ = strconv.ParseInt(id, 10, 64)
			if acked == killAfter {
				cmd.Process.Signal(syscall.SIGKILL) // this child's PID only
			}
		}
	}
	io.Copy(io.Discard, r)
	cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the writer ended with %v, not SIGKILL; stderr:\n%s", cmd.ProcessState, stderr.String())
	}
	if acked < killAfter {
		t.Fatalf("only %d acknowledgements; stderr:\n%s", acked, stderr.String())
	}

	s, err := OpenBolt(path, Options{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	s.db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt check after kill -9: %v", err)
		}
		return nil
	})
	recs, err := s.Fulfillments(context.Background(), "kill.myshopify.com")
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(recs)) < acked {
		t.Fatalf("%d records after kill -9, want at least the %d acknowledged", len(recs), acked)
	}
	for i, rec := range recs {
		if want := fulfillmentRec(int64(i + 1)); string(rec) != string(want) {
			t.Errorf("record %d = %s, want %s", i+1, rec, want)
		}
	}
	t.Logf("%d acknowledged, %d present after kill -9", acked, len(recs))
}

// TestFulfillmentStateBytes measures what a record costs: the bytes of
// one encoded line, and the Bolt file's growth per fulfilment over 400.
func TestFulfillmentStateBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), BoltFileName)
	s, err := OpenBolt(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	const n = 400
	for id := int64(1); id <= n; id++ {
		if _, err := s.PutFulfillment(context.Background(), "bytes.myshopify.com", id, fulfillmentRec(id)); err != nil {
			t.Fatal(err)
		}
	}
	var pages int64
	s.db.View(func(tx *bbolt.Tx) error {
		st := tx.Bucket(bucketFulfillments).Bucket([]byte("bytes.myshopify.com")).Stats()
		pages = int64(st.LeafInuse + st.BranchInuse)
		return nil
	})
	t.Logf("one record %d bytes; bucket in use %d bytes per fulfilment; file %d → %d bytes (%d per fulfilment, bbolt grows in steps)",
		len(fulfillmentRec(1)), pages/n, before, size(), (size()-before)/n)
}
