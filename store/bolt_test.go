package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
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

func TestBoltSecondProcessFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", BoltFileName) // the directory is created
	first, err := OpenBolt(path, Options{})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	defer first.Close()
	if first.db.NoSync {
		t.Errorf("NoSync is on: commits are not fsync'd")
	}
	start := time.Now()
	// flock is per open file, so a second open in this process stands in
	// for a second process.
	second, err := OpenBolt(path, Options{LockTimeout: 100 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("a second OpenBolt of a locked file succeeded")
	}
	if !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("error = %v, want one saying the file is locked by another process", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the second OpenBolt took %v to fail", d)
	}
}

func TestBoltDetectsDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), BoltFileName)
	s, err := OpenBolt(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustSave(t, s, shopA, doc(1), "")
	// Change the stored document behind the store's back.
	err = s.db.Update(func(tx *bbolt.Tx) error {
		vb := tx.Bucket(bucketSettings).Bucket([]byte(shopA))
		rec := append([]byte(nil), vb.Get(versionKey(1))...)
		rec[len(rec)-2] ^= 1
		return vb.Put(versionKey(1), rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, shopA); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Get of a damaged document: error = %v, want ErrCorrupt", err)
	}
}

// The kill -9 test: a child process (this test binary, running only
// TestHelperWriter) writes settings versions and tokens as fast as it can
// and prints each write once the store has acknowledged it. The parent
// kills it with SIGKILL at a random moment, reopens the file and checks
// that bbolt finds no damage and that every acknowledged write is there,
// intact. It repeats on the same file, so each round also starts from a
// file that was killed mid-write.

const (
	helperDBEnv  = "LEADTIME_STORE_HELPER_DB"
	helperSeqEnv = "LEADTIME_STORE_HELPER_SEQ"
)

var killShops = []string{"kill-a.myshopify.com", "kill-b.myshopify.com", "kill-c.myshopify.com"}

// killDoc is the settings document of write seq: its size varies from
// under one page to several, so commits allocate and free pages.
func killDoc(shop string, seq int) []byte {
	pad := strings.Repeat("x", (seq*1237)%9000)
	return fmt.Appendf(nil, `{"shop":%q,"seq":%d,"pad":%q}`, shop, seq, pad)
}

func killDocSeq(t *testing.T, doc []byte) int {
	var d struct{ Seq int }
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("a stored document is not intact: %v", err)
	}
	return d.Seq
}

// TestHelperWriter is the child process of TestBoltSurvivesKill9; run
// directly, it does nothing.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv(helperDBEnv)
	if path == "" {
		return
	}
	seq, _ := strconv.Atoi(os.Getenv(helperSeqEnv))
	s, err := OpenBolt(path, Options{EncryptionKey: testKey, LockTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintf(os.Stderr, "helper: %v\n", err)
		os.Exit(2)
	}
	out := bufio.NewWriterSize(os.Stdout, 256)
	for ; ; seq++ {
		shop := killShops[seq%len(killShops)]
		var line string
		if seq%4 == 0 {
			token := fmt.Sprintf("shpat_%d", seq)
			if err := s.SetToken(context.Background(), shop, token, "read_products"); err != nil {
				fmt.Fprintf(os.Stderr, "helper: %v\n", err)
				os.Exit(2)
			}
			line = fmt.Sprintf("token %s %d %s\n", shop, seq, token)
		} else {
			etag, err := s.SaveSettings(context.Background(), shop, killDoc(shop, seq), "")
			if err != nil {
				fmt.Fprintf(os.Stderr, "helper: %v\n", err)
				os.Exit(2)
			}
			line = fmt.Sprintf("settings %s %d %s\n", shop, seq, etag)
		}
		// One write(2) per line: a pipe write this small is atomic, so the
		// parent sees whole lines only.
		out.WriteString(line)
		out.Flush()
	}
}

// ack is one acknowledged write, as the child printed it.
type ack struct {
	kind, shop string
	seq        int
	value      string // the ETag, or the token
}

func TestBoltSurvivesKill9(t *testing.T) {
	if os.Getenv(helperDBEnv) != "" {
		return
	}
	path := filepath.Join(t.TempDir(), BoltFileName)
	const rounds = 5
	seq := 1
	total, unacked := 0, 0
	for round := range rounds {
		acks := runAndKill(t, path, seq)
		if len(acks) == 0 {
			t.Fatalf("round %d: the child acknowledged no write", round)
		}
		total += len(acks)
		if checkAfterKill(t, path, acks) {
			unacked++
		}
		seq = acks[len(acks)-1].seq + 2 // past a write that may have committed unacknowledged
	}
	t.Logf("%d rounds, %d acknowledged writes, all present and intact; in %d rounds the kill came between a commit and its acknowledgement", rounds, total, unacked)
}

// runAndKill starts the writer, lets it write for a random short time
// after its first acknowledged write, kills it with SIGKILL and returns
// what it acknowledged.
func runAndKill(t *testing.T, path string, seq int) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperDBEnv+"="+path, helperSeqEnv+"="+strconv.Itoa(seq))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadString('\n')
			if err != nil { // a line without '\n' was cut by the kill: not acknowledged
				io.Copy(io.Discard, r)
				return
			}
			lines <- line
		}
	}()

	var acks []ack
	var kill <-chan time.Time
	timeout := time.After(30 * time.Second)
	for lines != nil {
		select {
		case line, ok := <-lines:
			if !ok {
				lines = nil
				break
			}
			a, ok := parseAck(line)
			if !ok {
				continue // the test framework's own output
			}
			acks = append(acks, a)
			if kill == nil {
				kill = time.After(time.Duration(20+rand.IntN(250)) * time.Millisecond)
			}
		case <-kill:
			cmd.Process.Signal(syscall.SIGKILL) // this child's PID only
			kill = nil
		case <-timeout:
			cmd.Process.Kill()
			t.Fatalf("the writer gave no acknowledgement in time; stderr:\n%s", stderr.String())
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the writer ended with %v, not SIGKILL; stderr:\n%s", err, stderr.String())
	}
	return acks
}

func parseAck(line string) (ack, bool) {
	f := strings.Fields(line)
	if len(f) != 4 || (f[0] != "settings" && f[0] != "token") {
		return ack{}, false
	}
	seq, err := strconv.Atoi(f[2])
	if err != nil {
		return ack{}, false
	}
	return ack{kind: f[0], shop: f[1], seq: seq, value: f[3]}, true
}

// checkAfterKill reopens the file and checks it against the acknowledged
// writes of the last round. The writer writes one thing at a time, so at
// most one write beyond the last acknowledged one can have committed; it
// reports whether one did.
func checkAfterKill(t *testing.T, path string, acks []ack) (sawUnacked bool) {
	t.Helper()
	s, err := OpenBolt(path, Options{EncryptionKey: testKey})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	lastSeq := acks[len(acks)-1].seq

	err = s.db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt check after kill -9: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	lastSettings, lastToken := map[string]ack{}, map[string]ack{}
	acked := map[string]map[string]int{} // shop → ETag → seq
	for _, a := range acks {
		switch a.kind {
		case "settings":
			lastSettings[a.shop] = a
			if acked[a.shop] == nil {
				acked[a.shop] = map[string]int{}
			}
			acked[a.shop][a.value] = a.seq
		case "token":
			lastToken[a.shop] = a
		}
	}

	for _, shop := range killShops {
		got, err := s.Get(ctx, shop)
		if err != nil {
			if _, ok := lastSettings[shop]; ok {
				t.Errorf("Get(%s) after kill -9: %v", shop, err)
			}
			continue
		}
		if a, ok := lastToken[shop]; ok && got.Token != a.value {
			// Only the one unacknowledged write may have landed.
			if n, _ := strconv.Atoi(strings.TrimPrefix(got.Token, "shpat_")); n != lastSeq+1 {
				t.Errorf("%s: token %q after kill -9, want the acknowledged %q", shop, got.Token, a.value)
			}
			sawUnacked = true
		}
		hist, err := s.History(ctx, shop)
		if err != nil {
			t.Errorf("History(%s) after kill -9: %v", shop, err) // ErrCorrupt if a document is damaged
			continue
		}
		if len(hist) == 0 || len(hist) > MaxVersions || hist[0].Version != got.SettingsVersion || hist[0].ETag != got.ETag {
			t.Errorf("%s: history of %d versions does not start at the current v%d", shop, len(hist), got.SettingsVersion)
			continue
		}
		byETag := map[string]Version{}
		for i, v := range hist {
			byETag[v.ETag] = v
			if i > 0 && (v.Version != hist[i-1].Version-1 || killDocSeq(t, v.Settings) >= killDocSeq(t, hist[i-1].Settings)) {
				t.Errorf("%s: history is not consecutive at %d: v%d after v%d", shop, i, v.Version, hist[i-1].Version)
			}
		}
		if a := lastSettings[shop]; a.value != "" && got.ETag != a.value {
			if killDocSeq(t, got.Settings) != lastSeq+1 {
				t.Errorf("%s: current settings %s (seq %d), want the acknowledged %s (seq %d)", shop, got.ETag, killDocSeq(t, got.Settings), a.value, a.seq)
			}
			sawUnacked = true
		}
		oldest := hist[len(hist)-1].Version
		for etag, seq := range acked[shop] {
			version, _ := strconv.Atoi(strings.SplitN(strings.Trim(etag, `"`), "-", 2)[0])
			if version < oldest {
				continue // dropped by the history cap, as it should be
			}
			v, ok := byETag[etag]
			if !ok {
				t.Errorf("%s: acknowledged write seq %d (%s) is missing after kill -9", shop, seq, etag)
				continue
			}
			if got := killDocSeq(t, v.Settings); got != seq || string(v.Settings) != string(killDoc(shop, seq)) {
				t.Errorf("%s: acknowledged write seq %d reads back as seq %d", shop, seq, got)
			}
		}
	}
	return sawUnacked
}
