// SPDX-License-Identifier: BSD-3-Clause
/*
 * Corpus replay without libFuzzer: a main() that feeds each file named on the command line (or
 * each regular file inside a named directory) to LLVMFuzzerTestOneInput() once.
 *
 * Built only with -DAMP_FUZZ_STANDALONE, so that any compiler (gcc included) can replay the
 * committed seeds and crash reproducers, with or without sanitizers:
 *
 *   cd reference
 *   gcc -std=c11 -DAMP_FUZZ_STANDALONE -fsanitize=address,undefined -Iinclude -Isrc
 *       src/addr.c src/error.c src/io.c src/vring.c src/vring_driver.c src/vring_device.c
 *       fuzz/fuzz_vring_device.c fuzz/fuzz_common.c fuzz/standalone_main.c -o replay_device
 *   ./replay_device ../fixtures/fuzz/vring_device crash-1234...
 *
 * Exits 0 when every input ran; an invariant violation in a target aborts the process.
 */
#ifdef AMP_FUZZ_STANDALONE

#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (!fp) {
		perror(path);
		return 1;
	}
	if (fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
		perror(path);
		fclose(fp);
		return 1;
	}
	/* exactly the file's size, so a target reading past its input is caught */
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, fp) != (size_t)size) {
		fprintf(stderr, "%s: read failed\n", path);
		free(buf);
		fclose(fp);
		return 1;
	}
	fclose(fp);
	fprintf(stderr, "Running: %s (%ld bytes)\n", path, size);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in @dir, in name order so runs are reproducible. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t count = 0, cap = 0;
	int err = 0;

	if (!d) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		struct stat sb;
		char *path;

		if (e->d_name[0] == '.')
			continue;
		path = malloc(len);
		if (!path) {
			err = 1;
			break;
		}
		snprintf(path, len, "%s/%s", dir, e->d_name);
		if (stat(path, &sb) || !S_ISREG(sb.st_mode)) {
			free(path);
			continue;
		}
		if (count == cap) {
			char **grown = realloc(names, (cap ? 2 * cap : 16) * sizeof(*names));

			if (!grown) {
				free(path);
				err = 1;
				break;
			}
			names = grown;
			cap = cap ? 2 * cap : 16;
		}
		names[count++] = path;
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof(*names), cmp_names);
	for (size_t i = 0; i < count; i++) {
		err |= run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	int err = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb)) {
			perror(argv[i]);
			err = 1;
			continue;
		}
		err |= S_ISDIR(sb.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
	}
	return err;
}

#else
/* Linked into a libFuzzer build by mistake: libFuzzer provides main(). */
typedef int amp_fuzz_standalone_unused;
#endif
