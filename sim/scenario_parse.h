/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: conformance scenario files
 *
 * A scenario file (YAML, docs/scenarios.md) says what one conformance session does with a link:
 * its summary, the IUT roles it applies to, the rules it exercises, the link's shape and the
 * steps. The parser reads it into a &struct ampconf_scenario (fixed-size arrays, nothing
 * allocated left behind) and checks it whole: every key and value, every rule ID against the
 * checker's catalogue, and the steps against each other (an endpoint is used only once its side
 * opened it, hold and release pair). The first problem found is reported as one line
 * "FILE:LINE:COL: PATH: message", as for board files (docs/board.md).
 */
#ifndef AMPSIM_SCENARIO_PARSE_H
#define AMPSIM_SCENARIO_PARSE_H

#include <stddef.h>

#include "ampconf/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ampsim_scenario_load() - read and check a scenario file
 * @path: the file; also FILE in messages. Its stem (the name without a ".yaml" suffix) is the
 *	scenario's name and must be a valid name (1 to 31 of A-Z a-z 0-9 _ . -)
 * @out: filled in on success, all zero on failure
 * @err: one line "FILE:LINE:COL: PATH: message", or "FILE: cannot read the scenario file: why"
 *	(may be NULL when @errlen is 0)
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL (the content is wrong), -ENOMEM, or the negative errno of reading the
 * file (-ENOENT, -EACCES, -EISDIR, -EFBIG, ...).
 */
int ampsim_scenario_load(const char *path, struct ampconf_scenario *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* AMPSIM_SCENARIO_PARSE_H */
