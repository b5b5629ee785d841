/*
 * vfs_rec.h - private to frontend/: the hooks vfs.c calls so that a
 * recorder (vfs_record_begin, frontend.h) sees every read of its thread.
 */
#ifndef MC_FRONTEND_VFS_REC_H
#define MC_FRONTEND_VFS_REC_H

#include "mc/frontend.h"

/* True when this thread records reads on fs. */
bool vfs_rec_active(const struct vfs *fs);
/* Note one operation on abs (absolute, clean) with its result: err, or
 * the bytes that stand for the outcome (file bytes, entry names, resolved
 * path, kind).  Does nothing unless vfs_rec_active(fs). */
void vfs_rec_note(struct vfs *fs, enum vfs_op op, const char *abs, int err,
	const char *data, size_t len);

#endif
