package store

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// openOrderAPI is what the server's orders-at-risk list consumes.
type openOrderAPI interface {
	PutOpenOrder(ctx context.Context, shop string, id int64, rec []byte) error
	DeleteOpenOrder(ctx context.Context, shop string, id int64) error
	OpenOrders(ctx context.Context, shop string) ([][]byte, error)
}

var (
	_ openOrderAPI = (*Bolt)(nil)
	_ openOrderAPI = (*Redis)(nil)
)

func TestOpenOrders(t *testing.T) {
	ctx := context.Background()
	const shop = "health.myshopify.com"
	for _, h := range harnesses() {
		t.Run(h.name, func(t *testing.T) {
			s := h.open(t, Options{})
			o := s.(openOrderAPI)
			steps := []struct {
				name string
				put  int64 // an order put with rec `{"order_id":N}`, or
				del  int64 // an order deleted
				want string
			}{
				{name: "one", put: 9, want: `{"order_id":9}`},
				{name: "a lower id comes first", put: 2, want: `{"order_id":2} {"order_id":9}`},
				{name: "replayed: the same", put: 9, want: `{"order_id":2} {"order_id":9}`},
				{name: "fulfilled", del: 9, want: `{"order_id":2}`},
				{name: "an unknown order", del: 77, want: `{"order_id":2}`},
			}
			for _, st := range steps {
				var err error
				if st.put != 0 {
					err = o.PutOpenOrder(ctx, shop, st.put, []byte(`{"order_id":`+itoa(st.put)+`}`))
				} else {
					err = o.DeleteOpenOrder(ctx, shop, st.del)
				}
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				recs, err := o.OpenOrders(ctx, shop)
				if err != nil {
					t.Fatalf("%s: OpenOrders: %v", st.name, err)
				}
				var got []string
				for _, r := range recs {
					got = append(got, string(r))
				}
				if g := strings.Join(got, " "); g != st.want {
					t.Errorf("%s: OpenOrders = %s, want %s", st.name, g, st.want)
				}
			}
			if err := o.PutOpenOrder(ctx, shop, 0, []byte(`{}`)); err == nil {
				t.Error("PutOpenOrder(id 0) = nil, want an error")
			}
			if err := s.(interface {
				DeleteShop(context.Context, string) error
			}).DeleteShop(ctx, shop); err != nil {
				t.Fatal(err)
			}
			if recs, err := o.OpenOrders(ctx, shop); err != nil || len(recs) != 0 {
				t.Errorf("after DeleteShop: OpenOrders = %d records, %v; want none", len(recs), err)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
