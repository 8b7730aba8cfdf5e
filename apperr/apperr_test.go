package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindThroughWrapping(t *testing.T) {
	err := fmt.Errorf("import: %w", Invalid("nip", "NIP tidak sah", "invalid NIP"))
	e, ok := As(err)
	if !ok || e.Kind != KindInvalid || e.Field != "nip" || e.Message != "NIP tidak sah" || err.Error() != "import: invalid NIP" {
		t.Fatalf("As(%v) = %+v, %v", err, e, ok)
	}
	if !Is(err, KindInvalid) || Is(err, KindConflict) || Is(errors.New("plain"), KindInvalid) {
		t.Error("Is does not tell kinds apart")
	}
	if nf := NotFound("mutasi", "X1"); nf.Kind != KindNotFound || nf.Message != "mutasi X1 tidak ditemukan" || nf.MessageEN != "mutasi X1 not found" {
		t.Errorf("NotFound: %+v", nf)
	}
}
