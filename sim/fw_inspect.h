/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: ampsim firmware inspect
 *
 * Reads one firmware image and reports, like readelf for remoteproc: the ELF header, each
 * PT_LOAD segment, the ``.resource_table`` section and every entry of the table decoded in the
 * image's byte order, each with a verdict, then the checks across entries. The report goes to
 * @out (text, or one JSON object); when the image is invalid, the first problem found is also
 * written to @err as one line "invalid: REASON". docs/sim.md shows the output.
 */
#ifndef AMPSIM_FW_INSPECT_H
#define AMPSIM_FW_INSPECT_H

#include <stdbool.h>
#include <stdio.h>

/**
 * fw_inspect() - inspect the firmware image at @path
 * @path: the ELF file
 * @json: write one JSON object instead of text
 * @out: the report
 * @err: the reason line, or why the file cannot be read
 *
 * Return: an &enum ampsim_exit: AMPSIM_EXIT_OK (valid, warnings allowed), AMPSIM_EXIT_FAILURE
 * (invalid), AMPSIM_EXIT_USAGE (the file cannot be read).
 */
int fw_inspect(const char *path, bool json, FILE *out, FILE *err);

#endif
