/*
 * validate_int.h - private to ir/validate*.c: the state of one walk.
 */
#ifndef MC_VALIDATE_INT_H
#define MC_VALIDATE_INT_H

#include "mc/validate.h"

/* One step of the pointer, kept unformatted: most values are valid, so
 * the pointer text is only built when a finding needs it. */
struct vseg {
	const char *key; /* NULL: an array index */
	uint32_t len;    /* key length, or the index */
};

struct vstate {
	struct mc_ctx *ctx;
	const struct validate_opts *o;
	/* The JSON pointer of the value being checked: a literal prefix,
	 * then the segments.  Callers append to ptr only while no segment is
	 * pushed. */
	struct sbuf ptr;
	struct vseg *segs;
	size_t nsegs, capsegs;
	int quiet;        /* > 0: count failures without reporting them */
	size_t fails;     /* error-level failures seen */
	unsigned depth;
};

void vs_init(struct vstate *v, struct mc_ctx *ctx, const struct validate_opts *o,
	const char *pointer);
void vs_release(struct vstate *v);
void vs_check(struct vstate *v, const struct ir_node *n, const struct schema *s);
void vs_report(struct vstate *v, const struct ir_node *at, enum diag_level lvl,
	const char *rule, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Extend the pointer by one segment (escaped per RFC 6901 when printed);
 * returns the mark to give vs_pop.  seg must live until it is popped. */
size_t vs_push(struct vstate *v, const char *seg, size_t n);
size_t vs_push_index(struct vstate *v, size_t i);
void vs_pop(struct vstate *v, size_t mark);
const char *vs_describe(struct vstate *v, const struct ir_node *n);
/* The current pointer as text, in ctx's arena. */
const char *vs_pointer(struct vstate *v);

/* The pod spec of a workload (Pod, PodTemplate, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Argo
 * Rollout) and its pointer; NULL for other kinds. */
const struct ir_node *validate_pod_spec(const struct ir_node *body, const char **ptr);
/* The labels a workload gives its pods, or NULL. */
const struct ir_node *validate_pod_labels(const struct ir_node *body);

#endif
