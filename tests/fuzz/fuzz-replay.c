/* fuzz-replay.c: runs a fuzz target over its seed corpus as an ordinary test
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer needs clang; this driver lets every build (gcc, valgrind) replay the corpus in
 * tests/fuzz/corpus/<parser>/, so an input that once crashed a parser stays a test.
 */
#include "config.h"

#include <stdint.h>
#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
test_replay (gconstpointer data)
{
  const char *dir_path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  const char *name;
  guint count = 0;

  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, len), ==, 0);
      count++;
    }

  g_test_message ("%u inputs replayed", count);
  g_assert_cmpuint (count, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;

  g_test_init (&argc, &argv, NULL);

  dir = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", FUZZ_CORPUS, NULL);
  g_test_add_data_func ("/tulbur/fuzz-replay/" FUZZ_CORPUS, dir, test_replay);

  return g_test_run ();
}
