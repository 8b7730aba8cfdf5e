package worker

import (
	"reflect"
	"slices"
	"testing"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
)

// The workflows call activities by the names in package contract; the
// worker registers the methods of *activities.Activities under their own
// names. The two lists must be the same.
func TestEveryContractActivityIsRegistered(t *testing.T) {
	typ := reflect.TypeOf(&activities.Activities{})
	var methods []string
	for i := range typ.NumMethod() {
		methods = append(methods, typ.Method(i).Name)
	}
	for _, name := range contract.ActivityNames {
		if !slices.Contains(methods, name) {
			t.Errorf("contract names activity %s, which activities.Activities does not have", name)
		}
	}
	for _, m := range methods {
		if !slices.Contains(contract.ActivityNames, m) {
			t.Errorf("activities.Activities.%s is registered but missing from contract.ActivityNames", m)
		}
	}
}
