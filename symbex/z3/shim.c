// shim.c is the C side of the binding; see shim.h.
//
// Invariant: a helper that returns NULL on failure makes no Z3 call after the
// failing one, so Z3_get_error_code still holds the failure when Go asks for
// it. Helpers that must clean up after a failure return the code instead.

#include "shim.h"

// ken_on_error replaces Z3's default error handler, which ends the process.
// It does nothing: the failing call returns, and the code stays in the
// context for Go to read.
static void ken_on_error(Z3_context c, Z3_error_code e)
{
	(void)c;
	(void)e;
}

// keep takes a reference on r unless the call that made it failed.
static Z3_ast keep(Z3_context c, Z3_ast r)
{
	if (Z3_get_error_code(c) != Z3_OK || r == NULL)
		return NULL;
	Z3_inc_ref(c, r);
	return r;
}

// keep_sort is keep for sorts, which Z3 reference-counts as ASTs.
static Z3_sort keep_sort(Z3_context c, Z3_sort s)
{
	if (Z3_get_error_code(c) != Z3_OK || s == NULL)
		return NULL;
	Z3_inc_ref(c, Z3_sort_to_ast(c, s));
	return s;
}

Z3_context ken_new_context(void)
{
	Z3_config cfg = Z3_mk_config();
	if (cfg == NULL)
		return NULL;
	Z3_context c = Z3_mk_context_rc(cfg);
	Z3_del_config(cfg);
	if (c != NULL)
		Z3_set_error_handler(c, ken_on_error);
	return c;
}

// ken_del_context releases models before solvers and solvers before ASTs,
// since each may hold references to the next.
void ken_del_context(Z3_context c, Z3_model *models, size_t nmodels,
		     Z3_solver *solvers, size_t nsolvers, Z3_ast *refs,
		     size_t nrefs)
{
	for (size_t i = 0; i < nmodels; i++)
		Z3_model_dec_ref(c, models[i]);
	for (size_t i = 0; i < nsolvers; i++)
		Z3_solver_dec_ref(c, solvers[i]);
	for (size_t i = 0; i < nrefs; i++)
		Z3_dec_ref(c, refs[i]);
	Z3_del_context(c);
}

Z3_sort ken_bool_sort(Z3_context c)
{
	return keep_sort(c, Z3_mk_bool_sort(c));
}

Z3_sort ken_bv_sort(Z3_context c, unsigned bits)
{
	return keep_sort(c, Z3_mk_bv_sort(c, bits));
}

Z3_sort ken_array_sort(Z3_context c, Z3_sort domain, Z3_sort range)
{
	return keep_sort(c, Z3_mk_array_sort(c, domain, range));
}

int ken_sort_info(Z3_context c, Z3_sort s, unsigned *bits)
{
	*bits = 0;
	switch (Z3_get_sort_kind(c, s)) {
	case Z3_BOOL_SORT:
		return KEN_SORT_BOOL;
	case Z3_BV_SORT:
		*bits = Z3_get_bv_sort_size(c, s);
		return KEN_SORT_BV;
	case Z3_ARRAY_SORT:
		return KEN_SORT_ARRAY;
	default:
		return KEN_SORT_OTHER;
	}
}

Z3_ast ken_bool_val(Z3_context c, int b)
{
	return keep(c, b ? Z3_mk_true(c) : Z3_mk_false(c));
}

// ken_bv_val takes its sort from Go, which caches bit-vector sorts, so that
// nothing needs releasing after a failure.
Z3_ast ken_bv_val(Z3_context c, uint64_t v, Z3_sort s)
{
	return keep(c, Z3_mk_unsigned_int64(c, v, s));
}

Z3_ast ken_const(Z3_context c, const char *name, Z3_sort s)
{
	Z3_symbol sym = Z3_mk_string_symbol(c, name);
	if (Z3_get_error_code(c) != Z3_OK)
		return NULL;
	return keep(c, Z3_mk_const(c, sym, s));
}

Z3_ast ken_fresh(Z3_context c, const char *prefix, Z3_sort s)
{
	return keep(c, Z3_mk_fresh_const(c, prefix, s));
}

Z3_ast ken_const_array(Z3_context c, Z3_sort domain, Z3_ast v)
{
	return keep(c, Z3_mk_const_array(c, domain, v));
}

Z3_ast ken_unary(Z3_context c, int op, Z3_ast a)
{
	switch (op) {
	case KEN_BVNEG:
		return keep(c, Z3_mk_bvneg(c, a));
	case KEN_BVNOT:
		return keep(c, Z3_mk_bvnot(c, a));
	case KEN_NOT:
		return keep(c, Z3_mk_not(c, a));
	case KEN_SIMPLIFY:
		return keep(c, Z3_simplify(c, a));
	case KEN_NEG_NO_OVERFLOW:
		return keep(c, Z3_mk_bvneg_no_overflow(c, a));
	}
	Z3_set_error(c, Z3_INVALID_ARG);
	return NULL;
}

Z3_ast ken_binary(Z3_context c, int op, Z3_ast a, Z3_ast b)
{
	switch (op) {
	case KEN_BVADD:
		return keep(c, Z3_mk_bvadd(c, a, b));
	case KEN_BVSUB:
		return keep(c, Z3_mk_bvsub(c, a, b));
	case KEN_BVMUL:
		return keep(c, Z3_mk_bvmul(c, a, b));
	case KEN_BVUDIV:
		return keep(c, Z3_mk_bvudiv(c, a, b));
	case KEN_BVSDIV:
		return keep(c, Z3_mk_bvsdiv(c, a, b));
	case KEN_BVUREM:
		return keep(c, Z3_mk_bvurem(c, a, b));
	case KEN_BVSREM:
		return keep(c, Z3_mk_bvsrem(c, a, b));
	case KEN_BVSMOD:
		return keep(c, Z3_mk_bvsmod(c, a, b));
	case KEN_BVAND:
		return keep(c, Z3_mk_bvand(c, a, b));
	case KEN_BVOR:
		return keep(c, Z3_mk_bvor(c, a, b));
	case KEN_BVXOR:
		return keep(c, Z3_mk_bvxor(c, a, b));
	case KEN_BVSHL:
		return keep(c, Z3_mk_bvshl(c, a, b));
	case KEN_BVLSHR:
		return keep(c, Z3_mk_bvlshr(c, a, b));
	case KEN_BVASHR:
		return keep(c, Z3_mk_bvashr(c, a, b));
	case KEN_EQ:
		return keep(c, Z3_mk_eq(c, a, b));
	case KEN_BVULT:
		return keep(c, Z3_mk_bvult(c, a, b));
	case KEN_BVULE:
		return keep(c, Z3_mk_bvule(c, a, b));
	case KEN_BVUGT:
		return keep(c, Z3_mk_bvugt(c, a, b));
	case KEN_BVUGE:
		return keep(c, Z3_mk_bvuge(c, a, b));
	case KEN_BVSLT:
		return keep(c, Z3_mk_bvslt(c, a, b));
	case KEN_BVSLE:
		return keep(c, Z3_mk_bvsle(c, a, b));
	case KEN_BVSGT:
		return keep(c, Z3_mk_bvsgt(c, a, b));
	case KEN_BVSGE:
		return keep(c, Z3_mk_bvsge(c, a, b));
	case KEN_CONCAT:
		return keep(c, Z3_mk_concat(c, a, b));
	case KEN_IMPLIES:
		return keep(c, Z3_mk_implies(c, a, b));
	case KEN_IFF:
		return keep(c, Z3_mk_iff(c, a, b));
	case KEN_SELECT:
		return keep(c, Z3_mk_select(c, a, b));
	case KEN_ADD_NO_OVERFLOW_U:
		return keep(c, Z3_mk_bvadd_no_overflow(c, a, b, false));
	case KEN_ADD_NO_OVERFLOW_S:
		return keep(c, Z3_mk_bvadd_no_overflow(c, a, b, true));
	case KEN_ADD_NO_UNDERFLOW:
		return keep(c, Z3_mk_bvadd_no_underflow(c, a, b));
	case KEN_SUB_NO_OVERFLOW:
		return keep(c, Z3_mk_bvsub_no_overflow(c, a, b));
	case KEN_SUB_NO_UNDERFLOW_U:
		return keep(c, Z3_mk_bvsub_no_underflow(c, a, b, false));
	case KEN_SUB_NO_UNDERFLOW_S:
		return keep(c, Z3_mk_bvsub_no_underflow(c, a, b, true));
	case KEN_MUL_NO_OVERFLOW_U:
		return keep(c, Z3_mk_bvmul_no_overflow(c, a, b, false));
	case KEN_MUL_NO_OVERFLOW_S:
		return keep(c, Z3_mk_bvmul_no_overflow(c, a, b, true));
	case KEN_MUL_NO_UNDERFLOW:
		return keep(c, Z3_mk_bvmul_no_underflow(c, a, b));
	case KEN_SDIV_NO_OVERFLOW:
		return keep(c, Z3_mk_bvsdiv_no_overflow(c, a, b));
	}
	Z3_set_error(c, Z3_INVALID_ARG);
	return NULL;
}

Z3_ast ken_ternary(Z3_context c, int op, Z3_ast a, Z3_ast b, Z3_ast d)
{
	switch (op) {
	case KEN_ITE:
		return keep(c, Z3_mk_ite(c, a, b, d));
	case KEN_STORE:
		return keep(c, Z3_mk_store(c, a, b, d));
	}
	Z3_set_error(c, Z3_INVALID_ARG);
	return NULL;
}

Z3_ast ken_nary(Z3_context c, int op, unsigned n, Z3_ast *args)
{
	switch (op) {
	case KEN_AND:
		return keep(c, Z3_mk_and(c, n, args));
	case KEN_OR:
		return keep(c, Z3_mk_or(c, n, args));
	case KEN_DISTINCT:
		return keep(c, Z3_mk_distinct(c, n, args));
	}
	Z3_set_error(c, Z3_INVALID_ARG);
	return NULL;
}

Z3_ast ken_indexed(Z3_context c, int op, unsigned i, unsigned j, Z3_ast a)
{
	switch (op) {
	case KEN_EXTRACT:
		return keep(c, Z3_mk_extract(c, i, j, a));
	case KEN_ZERO_EXT:
		return keep(c, Z3_mk_zero_ext(c, i, a));
	case KEN_SIGN_EXT:
		return keep(c, Z3_mk_sign_ext(c, i, a));
	}
	Z3_set_error(c, Z3_INVALID_ARG);
	return NULL;
}

// ken_new_solver turns off ctrl_c: left on, every check installs a SIGINT
// handler of Z3's own, which would swallow the Go program's interrupt and
// is installed without SA_ONSTACK, which Go's runtime does not allow.
int ken_new_solver(Z3_context c, Z3_solver *out)
{
	*out = NULL;
	Z3_solver s = Z3_mk_solver(c);
	int e = Z3_get_error_code(c);
	if (e != Z3_OK)
		return e;
	Z3_solver_inc_ref(c, s);
	Z3_params p = Z3_mk_params(c);
	Z3_params_inc_ref(c, p);
	Z3_params_set_bool(c, p, Z3_mk_string_symbol(c, "ctrl_c"), false);
	Z3_solver_set_params(c, s, p);
	e = Z3_get_error_code(c);
	Z3_params_dec_ref(c, p);
	if (e != Z3_OK) {
		Z3_solver_dec_ref(c, s);
		return e;
	}
	*out = s;
	return Z3_OK;
}

int ken_solver_timeout(Z3_context c, Z3_solver s, unsigned ms)
{
	Z3_params p = Z3_mk_params(c);
	Z3_params_inc_ref(c, p);
	Z3_params_set_uint(c, p, Z3_mk_string_symbol(c, "timeout"), ms);
	Z3_solver_set_params(c, s, p);
	int e = Z3_get_error_code(c);
	Z3_params_dec_ref(c, p);
	return e;
}

int ken_solver_assert(Z3_context c, Z3_solver s, Z3_ast a)
{
	Z3_solver_assert(c, s, a);
	return Z3_get_error_code(c);
}

int ken_solver_push(Z3_context c, Z3_solver s)
{
	Z3_solver_push(c, s);
	return Z3_get_error_code(c);
}

// ken_solver_pop refuses to pop more scopes than were pushed and reports
// how many there are, so Go can say so; Z3 would only say "index out of
// bounds".
int ken_solver_pop(Z3_context c, Z3_solver s, unsigned n, unsigned *have)
{
	*have = Z3_solver_get_num_scopes(c, s);
	if (n > *have)
		return Z3_IOB;
	Z3_solver_pop(c, s, n);
	return Z3_get_error_code(c);
}

int ken_solver_check(Z3_context c, Z3_solver s, unsigned n, Z3_ast *assumptions,
		     int *result)
{
	Z3_lbool r;
	if (n == 0)
		r = Z3_solver_check(c, s);
	else
		r = Z3_solver_check_assumptions(c, s, n, assumptions);
	*result = r;
	return Z3_get_error_code(c);
}

Z3_model ken_solver_model(Z3_context c, Z3_solver s)
{
	Z3_model m = Z3_solver_get_model(c, s);
	if (Z3_get_error_code(c) != Z3_OK || m == NULL)
		return NULL;
	Z3_model_inc_ref(c, m);
	return m;
}

Z3_ast ken_model_eval(Z3_context c, Z3_model m, Z3_ast a)
{
	Z3_ast v = NULL;
	if (!Z3_model_eval(c, m, a, true, &v))
		return NULL;
	return keep(c, v);
}

int ken_model_numeral(Z3_context c, Z3_model m, Z3_ast a, uint64_t *v,
		      unsigned *bits)
{
	*v = 0;
	*bits = 0;
	Z3_ast r = ken_model_eval(c, m, a);
	if (r == NULL)
		return KEN_NUM_ERROR;
	int kind = ken_sort_info(c, Z3_get_sort(c, r), bits);
	int ok = kind == KEN_SORT_BV && *bits <= 64 && Z3_is_numeral_ast(c, r) &&
		 Z3_get_numeral_uint64(c, r, v);
	Z3_dec_ref(c, r);
	return ok ? KEN_NUM_OK : KEN_NUM_NOT_NUMERAL;
}

int ken_model_bool(Z3_context c, Z3_model m, Z3_ast a, int *v)
{
	*v = Z3_L_UNDEF;
	Z3_ast r = ken_model_eval(c, m, a);
	if (r == NULL)
		return KEN_NUM_ERROR;
	unsigned bits;
	if (ken_sort_info(c, Z3_get_sort(c, r), &bits) == KEN_SORT_BOOL)
		*v = Z3_get_bool_value(c, r);
	Z3_dec_ref(c, r);
	return *v == Z3_L_UNDEF ? KEN_NUM_NOT_NUMERAL : KEN_NUM_OK;
}
