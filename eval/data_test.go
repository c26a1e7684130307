package eval

import (
	"strings"
	"testing"
)

func TestReadRecordsKeepsAnUndatedRecordAndSaysSo(t *testing.T) {
	in := `{"id":"a","text":"x","published":"Sat, 28 Nov 2026 09:00:00 GMT"}` + "\n" + `{"id":"b","text":"y","published":"soon"}` + "\n"
	recs, err := ReadRecords(t.Context(), strings.NewReader(in))
	if err != nil || len(recs) != 2 {
		t.Fatalf("ReadRecords = %d records, %v", len(recs), err)
	}
	if recs[0].BadDate != "" || recs[0].Published.IsZero() || recs[1].BadDate != "soon" || !recs[1].Published.IsZero() {
		t.Errorf("records = %+v", recs)
	}
	var out strings.Builder
	DatasetReport{Name: "x", BadDates: []string{"b"}}.write(&out)
	if !strings.Contains(out.String(), "warning: 1 records have a published date no known format reads (first: b)") {
		t.Errorf("report does not warn: %s", out.String())
	}
}
