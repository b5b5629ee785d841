/*
 * kust_setter.c - setting a scalar the way kyaml's FieldSetter does.
 *
 * kustomize's transformers set scalars through kyaml: the new node takes
 * the tag the transformer gives (!!int for replicas, !!str for names and
 * labels, none for images) but keeps the *style* of the node it replaces,
 * and the resource is later written out as YAML and read back as JSON.  So
 * a count written into `replicas: "1"` stays a string ("3"): the quotes
 * survive and win over the tag; into `replicas: !!str 1` the explicit tag
 * is replaced and the count is a number.  The node is overwritten in place,
 * so every field sharing it (kust_set_entry) sees the change.
 */
#include <string.h>

#include "mc/passes.h"

static bool quoted(const struct ir_node *n)
{
	return n->style == IR_STYLE_SQUOTED || n->style == IR_STYLE_DQUOTED ||
		n->style == IR_STYLE_LITERAL || n->style == IR_STYLE_FOLDED;
}

static bool tagged(const struct ir_node *n)
{
	return n->tag && !(n->tag->len == 1 && n->tag->s[0] == '!') && n->tag->len;
}

void kust_set_scalar(struct mc_ctx *ctx, struct ir_node **slot, const struct str *text,
	enum ir_type tag, const struct srcpos *pos)
{
	struct ir_node *old = *slot;
	bool had = old && ir_is_scalar(old);
	struct ir_node n;
	memset(&n, 0, sizeof n);
	n.pos = *pos;
	n.s.text = text;
	struct ir_node r;
	memset(&r, 0, sizeof r);
	enum ir_type resolved = yaml_resolve(YAML_V3, text->s, text->len, &r);
	struct ir_node y11;
	memset(&y11, 0, sizeof y11);
	if (tag != IR_INT && tag != IR_STR) {
		/* SetScalar / NewScalarRNode: an untagged node reads as its
		 * text reads (quotes kept from the old node make it a string);
		 * the empty tag marks it so (a replacement re-reads it). */
		n.tag = ctx->s_empty;
		n.style = had ? old->style : IR_STYLE_ANY;
		if (had && quoted(old)) {
			n.type = IR_STR;
		} else if (!had && text->len && !memchr(text->s, '\n', text->len) &&
			   yaml_resolve(YAML_V2, text->s, text->len, &y11) != IR_STR) {
			/* A new field whose text YAML 1.1 reads as another
			 * type is double-quoted (IsYaml1_1NonString). */
			n.type = IR_STR;
			n.style = IR_STYLE_DQUOTED;
		} else {
			n.type = (uint8_t)resolved;
			n.flags = r.flags;
			n.s.v = r.s.v;
			if (n.style != IR_STYLE_ANY && n.style != IR_STYLE_PLAIN)
				n.style = IR_STYLE_ANY;
		}
	} else if (had && tagged(old)) {
		/* An explicit tag is written out again: the new one decides. */
		n.tag = tag == IR_INT ? mc_intern0(ctx, "!!int") : tag == IR_STR ? mc_intern0(ctx, "!!str")
			: NULL;
		if (tag == IR_STR || (tag == IR_INT && resolved != IR_INT)) {
			n.type = IR_STR;
		} else {
			n.type = (uint8_t)resolved;
			n.flags = r.flags;
			n.s.v = r.s.v;
		}
		n.style = old->style;
	} else if ((had && quoted(old)) || tag == IR_STR || resolved == IR_STR ||
		   (tag == IR_INT && resolved != IR_INT)) {
		/* Quotes kept from the old node, or a string value. */
		n.type = IR_STR;
		n.flags = resolved == IR_STR ? (r.flags & IR_F_TIMESTAMP) : 0;
		if (tag == IR_STR)
			n.flags = 0;
		n.style = had && quoted(old) ? old->style
			: resolved != IR_STR ? IR_STYLE_DQUOTED : IR_STYLE_ANY;
	} else {
		n.type = (uint8_t)resolved;
		n.flags = r.flags;
		n.s.v = r.s.v;
		n.style = IR_STYLE_ANY;
	}
	if (old) {
		*old = n;
		return;
	}
	*slot = arena_alloc(&ctx->arena, sizeof n);
	**slot = n;
}

const struct ir_node *kust_undecodable(const struct ir_node *n, int depth)
{
	if (!n || depth > YAML_MAX_DEPTH)
		return NULL;
	if (ir_is_scalar(n))
		return (n->flags & KUST_F_UNDECODABLE) ? n : NULL;
	if (n->type == IR_MAP)
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct ir_node *b = kust_undecodable(n->map.items[i].value, depth + 1);
			if (b)
				return b;
		}
	if (n->type == IR_SEQ)
		for (uint32_t i = 0; i < n->seq.len; i++) {
			const struct ir_node *b = kust_undecodable(n->seq.items[i], depth + 1);
			if (b)
				return b;
		}
	return NULL;
}

void kust_undecodable_msg(const struct ir_node *n, struct sbuf *out)
{
	struct ir_node r;
	memset(&r, 0, sizeof r);
	enum ir_type got = yaml_resolve(YAML_V3, n->s.text->s, n->s.text->len, &r);
	const char *want = n->type == IR_INT ? "!!int" : n->type == IR_FLOAT ? "!!float"
		: n->type == IR_BOOL ? "!!bool" : n->type == IR_NULL ? "!!null"
		: (n->flags & IR_F_TIMESTAMP) ? "!!timestamp" : "!!str";
	sbuf_printf(out, "map[string]interface {}(nil): yaml: cannot decode %s `%s` as a %s",
		got == IR_INT ? "!!int" : got == IR_FLOAT ? "!!float" : got == IR_BOOL ? "!!bool"
		: got == IR_NULL ? "!!null" : "!!str", n->s.text->s, want);
}
