package syntax

import "reflect"

// isNil reports whether n is nil or an interface holding a nil pointer.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Inspect traverses the tree rooted at n in source order, calling f for each
// node; if f returns false, Inspect skips that node's children. The File
// itself is not a Node: call Inspect on each of its Decls, or use
// InspectFile.
func Inspect(n Node, f func(Node) bool) {
	if isNil(n) || !f(n) {
		return
	}
	forEachChild(n, func(c Node) { Inspect(c, f) })
}

// InspectFile calls Inspect on every declaration of file.
func InspectFile(file *File, f func(Node) bool) {
	for _, d := range file.Decls {
		Inspect(d, f)
	}
}

// forEachChild calls f on the direct children of n in source order.
func forEachChild(n Node, f func(Node)) {
	visit := func(ns ...Node) {
		for _, c := range ns {
			if !isNil(c) {
				f(c)
			}
		}
	}
	switch n := n.(type) {
	case *Config:
		for _, e := range n.Entries {
			visit(e)
		}
	case *ConfigEntry:
		visit(n.Key, n.Value)
	case *Import:
		visit(n.Path)
	case *Macro:
		visit(n.Name)
		visitExprs(n.Params, f)
		visit(n.Body)
	case *Func:
		visit(n.Name)
		for _, p := range n.Params {
			visit(p)
		}
		visit(n.Result, n.Body)
	case *FuncParam:
		visit(n.Var, n.Type)
	case *MapDecl:
		visit(n.Map, n.Kind, n.Size)
	case *Probe:
		for _, ap := range n.AttachPoints {
			visit(ap)
		}
		visit(n.Predicate, n.Body)
	case *ExprStmt:
		visit(n.X)
	case *AssignStmt:
		visit(n.Lhs, n.Rhs)
	case *LetStmt:
		visit(n.Var, n.Type, n.Value)
	case *WhileStmt:
		visit(n.Cond, n.Body)
	case *UnrollStmt:
		visit(n.Count, n.Body)
	case *ForStmt:
		visit(n.Var, n.Iter, n.Body)
	case *JumpStmt:
		visit(n.Value)
	case *DiscardStmt:
		visit(n.X)
	case *MapExpr:
		visitExprs(n.Keys, f)
	case *CallExpr:
		visit(n.Fun)
		visitExprs(n.Args, f)
	case *UnaryExpr:
		visit(n.X)
	case *PostfixExpr:
		visit(n.X)
	case *BinaryExpr:
		visit(n.X, n.Y)
	case *TernaryExpr:
		visit(n.Cond, n.Then, n.Else)
	case *IfExpr:
		visit(n.Cond, n.Then, n.Else)
	case *Block:
		for _, s := range n.Stmts {
			visit(s)
		}
		visit(n.Value)
	case *ParenExpr:
		visit(n.X)
	case *TupleExpr:
		visitExprs(n.Elems, f)
	case *RecordExpr:
		for _, fl := range n.Fields {
			visit(fl)
		}
	case *RecordField:
		visit(n.Name, n.Value)
	case *CastExpr:
		visit(n.Type, n.X)
	case *FieldExpr:
		visit(n.X, n.Name)
	case *TupleIndexExpr:
		visit(n.X, n.Index)
	case *IndexExpr:
		visit(n.X, n.Index)
	case *RangeExpr:
		visit(n.Lo, n.Hi)
	case *SizeofExpr:
		visit(n.Arg)
	case *OffsetofExpr:
		visit(n.Arg)
		for _, fl := range n.Fields {
			visit(fl)
		}
	case *TypeinfoExpr:
		visit(n.Arg)
	case *ComptimeExpr:
		visit(n.X)
	case *PointerType:
		visit(n.Elem)
	case *ArrayType:
		visit(n.Elem, n.Len)
	case *TypeofType:
		visit(n.Arg)
	}
}

func visitExprs(xs []Expr, f func(Node)) {
	for _, x := range xs {
		if !isNil(x) {
			f(x)
		}
	}
}
