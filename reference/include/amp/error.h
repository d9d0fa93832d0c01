/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: error codes of the ampsim reference stack
 *
 * Every function that can fail returns 0 (or a non-negative count) on success and a negative
 * AMP_E* code on failure. The values are Linux's errno numbers so that kernel developers read
 * them at a glance, but they are defined here because the freestanding build has no <errno.h>.
 */
#ifndef AMP_ERROR_H
#define AMP_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define AMP_ENOENT    2   /* no such entry */
#define AMP_EIO       5   /* the object is broken (a peer violated the protocol) */
#define AMP_E2BIG     7   /* too many elements for the space given */
#define AMP_EAGAIN    11  /* nothing to do now; try again later */
#define AMP_ENOMEM    12  /* no buffer or slot free */
#define AMP_EFAULT    14  /* an address is outside the shared memory the platform declared */
#define AMP_EBUSY     16  /* the object is in use */
#define AMP_EEXIST    17  /* already exists */
#define AMP_ENODEV    19  /* no such device or endpoint */
#define AMP_EINVAL    22  /* an argument is invalid */
#define AMP_ENOSPC    28  /* the ring has no free descriptor */
#define AMP_ERANGE    34  /* a value is out of the allowed range */
#define AMP_EPROTO    71  /* protocol error */
#define AMP_EBADMSG   74  /* malformed message */
#define AMP_EMSGSIZE  90  /* message too long for the buffer */
#define AMP_ENOTSUP   95  /* not supported by this build or configuration */
#define AMP_ENOTCONN  107 /* the link is not up */
#define AMP_ETIMEDOUT 110 /* a wait timed out */

/**
 * amp_strerror() - name of an error code
 * @err: an AMP_E* value, negative or positive
 *
 * Return: a static string such as "EIO", or "E?" for an unknown code.
 */
const char *amp_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* AMP_ERROR_H */
