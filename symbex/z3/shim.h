// shim.h declares the C side of the binding. Each helper makes one Z3 call
// (or a few), checks Z3's error code and takes a reference on the result
// before returning, so that Go crosses into C once per operation and never
// holds an AST whose reference count is zero: in a Z3_mk_context_rc context
// such an AST can be freed by the very next call.

#ifndef KEN_Z3_SHIM_H
#define KEN_Z3_SHIM_H

#include <stdint.h>
#include <z3.h>

// Operation codes for the dispatching helpers below. Go names them through
// cgo (C.KEN_BVADD ...), so the two sides cannot drift apart.
enum ken_op {
	// ken_unary
	KEN_BVNEG,
	KEN_BVNOT,
	KEN_NOT,
	KEN_SIMPLIFY,
	KEN_NEG_NO_OVERFLOW,
	// ken_binary
	KEN_BVADD,
	KEN_BVSUB,
	KEN_BVMUL,
	KEN_BVUDIV,
	KEN_BVSDIV,
	KEN_BVUREM,
	KEN_BVSREM,
	KEN_BVSMOD,
	KEN_BVAND,
	KEN_BVOR,
	KEN_BVXOR,
	KEN_BVSHL,
	KEN_BVLSHR,
	KEN_BVASHR,
	KEN_EQ,
	KEN_BVULT,
	KEN_BVULE,
	KEN_BVUGT,
	KEN_BVUGE,
	KEN_BVSLT,
	KEN_BVSLE,
	KEN_BVSGT,
	KEN_BVSGE,
	KEN_CONCAT,
	KEN_IMPLIES,
	KEN_IFF,
	KEN_SELECT,
	KEN_ADD_NO_OVERFLOW_U,
	KEN_ADD_NO_OVERFLOW_S,
	KEN_ADD_NO_UNDERFLOW,
	KEN_SUB_NO_OVERFLOW,
	KEN_SUB_NO_UNDERFLOW_U,
	KEN_SUB_NO_UNDERFLOW_S,
	KEN_MUL_NO_OVERFLOW_U,
	KEN_MUL_NO_OVERFLOW_S,
	KEN_MUL_NO_UNDERFLOW,
	KEN_SDIV_NO_OVERFLOW,
	// ken_ternary
	KEN_ITE,
	KEN_STORE,
	// ken_nary
	KEN_AND,
	KEN_OR,
	KEN_DISTINCT,
	// ken_indexed
	KEN_EXTRACT,
	KEN_ZERO_EXT,
	KEN_SIGN_EXT,
};

// Sort kinds as ken_sort_info reports them.
enum ken_sort_kind {
	KEN_SORT_OTHER,
	KEN_SORT_BOOL,
	KEN_SORT_BV,
	KEN_SORT_ARRAY,
};

// Results of ken_model_numeral.
enum ken_numeral {
	KEN_NUM_OK,
	KEN_NUM_NOT_NUMERAL,
	KEN_NUM_ERROR,
};

Z3_context ken_new_context(void);
void ken_del_context(Z3_context c, Z3_model *models, size_t nmodels,
		     Z3_solver *solvers, size_t nsolvers, Z3_ast *refs,
		     size_t nrefs);

Z3_sort ken_bool_sort(Z3_context c);
Z3_sort ken_bv_sort(Z3_context c, unsigned bits);
Z3_sort ken_array_sort(Z3_context c, Z3_sort domain, Z3_sort range);
int ken_sort_info(Z3_context c, Z3_sort s, unsigned *bits);

Z3_ast ken_bool_val(Z3_context c, int b);
Z3_ast ken_bv_val(Z3_context c, uint64_t v, Z3_sort s);
Z3_ast ken_const(Z3_context c, const char *name, Z3_sort s);
Z3_ast ken_fresh(Z3_context c, const char *prefix, Z3_sort s);
Z3_ast ken_const_array(Z3_context c, Z3_sort domain, Z3_ast v);

Z3_ast ken_unary(Z3_context c, int op, Z3_ast a);
Z3_ast ken_binary(Z3_context c, int op, Z3_ast a, Z3_ast b);
Z3_ast ken_ternary(Z3_context c, int op, Z3_ast a, Z3_ast b, Z3_ast d);
Z3_ast ken_nary(Z3_context c, int op, unsigned n, Z3_ast *args);
Z3_ast ken_indexed(Z3_context c, int op, unsigned i, unsigned j, Z3_ast a);

int ken_new_solver(Z3_context c, Z3_solver *out);
int ken_solver_timeout(Z3_context c, Z3_solver s, unsigned ms);
int ken_solver_assert(Z3_context c, Z3_solver s, Z3_ast a);
int ken_solver_push(Z3_context c, Z3_solver s);
int ken_solver_pop(Z3_context c, Z3_solver s, unsigned n, unsigned *have);
int ken_solver_check(Z3_context c, Z3_solver s, unsigned n, Z3_ast *assumptions,
		     int *result);
Z3_model ken_solver_model(Z3_context c, Z3_solver s);

Z3_ast ken_model_eval(Z3_context c, Z3_model m, Z3_ast a);
int ken_model_numeral(Z3_context c, Z3_model m, Z3_ast a, uint64_t *v,
		      unsigned *bits);
int ken_model_bool(Z3_context c, Z3_model m, Z3_ast a, int *v);

#endif
