// SPDX-License-Identifier: BSD-3-Clause
#include "amp/error.h"

const char *amp_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "OK";
	case AMP_ENOENT:
		return "ENOENT";
	case AMP_EIO:
		return "EIO";
	case AMP_E2BIG:
		return "E2BIG";
	case AMP_EAGAIN:
		return "EAGAIN";
	case AMP_ENOMEM:
		return "ENOMEM";
	case AMP_EFAULT:
		return "EFAULT";
	case AMP_EBUSY:
		return "EBUSY";
	case AMP_EEXIST:
		return "EEXIST";
	case AMP_ENODEV:
		return "ENODEV";
	case AMP_EINVAL:
		return "EINVAL";
	case AMP_ENOSPC:
		return "ENOSPC";
	case AMP_ERANGE:
		return "ERANGE";
	case AMP_EPROTO:
		return "EPROTO";
	case AMP_EBADMSG:
		return "EBADMSG";
	case AMP_EMSGSIZE:
		return "EMSGSIZE";
	case AMP_ENOTSUP:
		return "ENOTSUP";
	case AMP_ENOTCONN:
		return "ENOTCONN";
	case AMP_ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return "E?";
	}
}
