/*
 * validate_int.h - private to ir/validate*.c: the state of one walk.
 */
#ifndef MC_VALIDATE_INT_H
#define MC_VALIDATE_INT_H

#include "mc/validate.h"

struct vstate {
	struct mc_ctx *ctx;
	const struct validate_opts *o;
	struct sbuf ptr;  /* the JSON pointer of the value being checked */
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
/* Extend the pointer by one segment (escaped per RFC 6901); returns the
 * mark to give vs_pop. */
size_t vs_push(struct vstate *v, const char *seg, size_t n);
size_t vs_push_index(struct vstate *v, size_t i);
void vs_pop(struct vstate *v, size_t mark);
const char *vs_describe(struct vstate *v, const struct ir_node *n);

/* The pod spec of a workload (Pod, PodTemplate, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Argo
 * Rollout) and its pointer; NULL for other kinds. */
const struct ir_node *validate_pod_spec(const struct ir_node *body, const char **ptr);
/* The labels a workload gives its pods, or NULL. */
const struct ir_node *validate_pod_labels(const struct ir_node *body);

#endif
