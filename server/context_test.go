package server

import (
	"go/ast"
	"go/types"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestNoGinContextAsContext checks that no call in this package hands a
// *gin.Context on where a context.Context is asked for. gin reuses a
// Context for the next request as soon as its handler returns, while
// database/sql and Temporal's client may still be watching the context
// they were given: they must get the request's own, c.Request.Context().
func TestNoGinContextAsContext(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{
		Mode:  packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Tests: true,
	}, ".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Fatalf("loading %s: %v", p.ID, e)
		}
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sig, ok := p.TypesInfo.TypeOf(call.Fun).(*types.Signature)
				if !ok {
					return true
				}
				for i, arg := range call.Args {
					if !isGinContext(p.TypesInfo.TypeOf(arg)) {
						continue
					}
					checked++
					if param := paramType(sig, i); types.IsInterface(param) {
						t.Errorf("%s: a *gin.Context passed as %s; pass c.Request.Context()", p.Fset.Position(arg.Pos()), param)
					}
				}
				return true
			})
		}
	}
	// The handlers hand their *gin.Context to helpers (actor, problem...):
	// finding none means the check saw no handler at all.
	if checked == 0 {
		t.Fatal("no call with a *gin.Context argument found")
	}
}

// isGinContext says whether t is *gin.Context.
func isGinContext(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Name() == "Context" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "github.com/gin-gonic/gin"
}

// paramType is the type of the parameter that a call's i-th argument
// fills.
func paramType(sig *types.Signature, i int) types.Type {
	params := sig.Params()
	if sig.Variadic() && i >= params.Len()-1 {
		return params.At(params.Len() - 1).Type().(*types.Slice).Elem()
	}
	return params.At(i).Type()
}
