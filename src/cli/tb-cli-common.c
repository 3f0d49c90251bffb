/* tb-cli-common.c: option parsing and input checks shared by the tulbur-cli commands
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/resource.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tb-cli.h"

G_DEFINE_QUARK (tb-cli-error-quark, tb_cli_error)

/* Characters that move the cursor, recolour, retitle the terminal or reorder text: C0 and C1
 * controls, DEL, and the bidirectional overrides ("Trojan Source"). */
static gboolean
is_unsafe_char (gunichar c,
                gboolean keep_newline)
{
  if (c == '\n')
    return !keep_newline;
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static char *
escape_text (const char *text,
             gboolean    keep_newline)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_unsafe_char (c, keep_newline))
        g_string_append_unichar (out, c);
      else if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
  return g_string_free (out, FALSE);
}

char *
tb_cli_escape (const char *text)
{
  return text != NULL ? escape_text (text, FALSE) : NULL;
}

/* What g_print () and g_printerr () write: everything but the line breaks escaped, then in
 * the terminal's charset, as GLib's own handler does. */
static void
write_escaped (FILE       *stream,
               const char *string)
{
  g_autofree char *safe = escape_text (string, TRUE);
  g_autofree char *converted = NULL;
  const char *charset;

  if (!g_get_console_charset (&charset))
    converted = g_convert_with_fallback (safe, -1, charset, "UTF-8", "?", NULL, NULL, NULL);
  fputs (converted != NULL ? converted : safe, stream);
  fflush (stream);
}

static void
print_escaped (const char *string)
{
  write_escaped (stdout, string);
}

static void
printerr_escaped (const char *string)
{
  write_escaped (stderr, string);
}

void
tb_cli_setup_process (void)
{
  struct rlimit no_core = { 0, 0 };

  /* Data from the ledger never reaches the terminal as escape sequences. */
  g_set_print_handler (print_escaped);
  g_set_printerr_handler (printerr_escaped);
  /* G_MESSAGES_DEBUG output on stderr only: stdout is the command's answer (JSON, CSV). */
  g_log_writer_default_set_use_stderr (TRUE);

  /* The QPay secret, tokens and decrypted personal data live in this process's memory: no
   * core file, and (on Linux) no ptrace attach by other processes of the same user. */
  setrlimit (RLIMIT_CORE, &no_core);
#ifdef __linux__
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

/* Set from whichever thread finalizes the object; shared with the waiter, which may give up
 * first. */
typedef struct
{
  gint gone;
} Release;

static void
released_cb (gpointer  data,
             GObject  *where_the_object_was)
{
  Release *release = data;

  g_atomic_int_set (&release->gone, TRUE);
  g_atomic_rc_box_release (release);
  g_main_context_wakeup (NULL);
}

static gboolean
give_up_cb (gpointer data)
{
  gboolean *late = data;

  *late = TRUE;
  return G_SOURCE_REMOVE;
}

/* Drops our reference on @object and lets the main context run until it is finalized, for
 * at most a second. Worker threads of the services drop their references just after their
 * callbacks ran; waiting for them means the ledger is closed before the process exits. */
static void
release_object (gpointer object)
{
  Release *release = g_atomic_rc_box_new0 (Release);
  gboolean late = FALSE;
  guint give_up_id;

  g_object_weak_ref (object, released_cb, g_atomic_rc_box_acquire (release));
  g_object_unref (object);
  give_up_id = g_timeout_add (1000, give_up_cb, &late);
  while (!g_atomic_int_get (&release->gone) && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (give_up_id);
  g_atomic_rc_box_release (release);
}

void
tb_cli_clear (TbCli *cli)
{
  g_clear_pointer (&cli->db_path, g_free);
  /* The stack holds the ledger: it goes first. */
  if (cli->stack != NULL)
    release_object (g_steal_pointer (&cli->stack));
  if (cli->ledger != NULL)
    release_object (g_steal_pointer (&cli->ledger));
  cli->command = NULL;
}

void
tb_cli_option_free (TbCliOption *option)
{
  g_free (option->long_name);
  g_free (option->description);
  g_free (option->arg_description);
  g_free (option);
}

void
tb_cli_options_add (GPtrArray          *options,
                    const GOptionEntry *entries)
{
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      TbCliOption *option;

      if (e->flags & G_OPTION_FLAG_HIDDEN)
        continue;
      option = g_new0 (TbCliOption, 1);
      option->long_name = g_strdup (e->long_name);
      option->short_name = e->short_name;
      option->takes_value = e->arg != G_OPTION_ARG_NONE;
      option->is_file = e->arg == G_OPTION_ARG_FILENAME;
      option->description = g_strdup (e->description);
      option->arg_description = g_strdup (e->arg_description);
      g_ptr_array_add (options, option);
    }
}

gboolean
tb_cli_parse_options (TbCli              *cli,
                      const GOptionEntry *entries,
                      char             ***args,
                      guint               min_args,
                      guint               max_args,
                      GError            **error)
{
  const TbCliCommand *command = cli->command;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *old_prgname = g_strdup (g_get_prgname ());
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  gboolean ok;
  guint n_args;
  /* Accepted after the command too: `tulbur-cli bill show 12 --json`. They have their own
   * variables so that a value given twice (before and after the command) is not leaked. */
  const GOptionEntry common_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The ledger file"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON instead of text"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_assert (command != NULL);
  g_assert (args != NULL && *args != NULL && (*args)[0] != NULL);

  if (cli->dumped != NULL)
    {
      if (entries != NULL)
        tb_cli_options_add (cli->dumped, entries);
      tb_cli_options_add (cli->dumped, common_entries);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "options dumped");
      return FALSE;
    }

  context = g_option_context_new (command->parameter_string != NULL
                                  ? _(command->parameter_string) : NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  if (command->description != NULL)
    g_option_context_set_description (context, _(command->description));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);

  /* The usage line reads "tulbur-cli bill show [OPTION…] BILL". */
  g_set_prgname ((*args)[0]);
  ok = g_option_context_parse_strv (context, args, error);
  g_set_prgname (old_prgname);
  if (!ok)
    return FALSE;

  if (db_path != NULL)
    {
      g_free (cli->db_path);
      cli->db_path = g_steal_pointer (&db_path);
    }
  cli->json = cli->json || json;

  n_args = g_strv_length (*args) - 1;
  if (n_args < min_args)
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_USAGE,
                   /* TRANSLATORS: %s is what is missing, e.g. "BILL" */
                   _("Missing argument %s"),
                   command->parameter_string != NULL ? _(command->parameter_string) : "");
      return FALSE;
    }
  if (n_args > max_args)
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_USAGE,
                   _("Unexpected argument “%s”"), (*args)[max_args + 1]);
      return FALSE;
    }

  return TRUE;
}

gboolean
tb_cli_require_option (const char  *value,
                       const char  *long_name,
                       GError     **error)
{
  if (value != NULL)
    return TRUE;

  g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_USAGE,
               /* TRANSLATORS: %s is an option such as "--amount" */
               _("The option %s is required"), long_name);
  return FALSE;
}

TbLedger *
tb_cli_get_ledger (TbCli   *cli,
                   GError **error)
{
  g_autofree char *path = NULL;

  if (cli->ledger != NULL)
    return cli->ledger;

  if (cli->db_path != NULL)
    path = g_strdup (cli->db_path);
  else
    path = tb_ledger_default_path ();

  /* The first run on a machine: the user data directory may not have our folder yet. An
   * explicit --db or TULBUR_DB is taken as given, so a typo there is reported, not created. */
  if (cli->db_path == NULL && g_getenv ("TULBUR_DB") == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      g_mkdir_with_parents (dir, 0700);
    }

  g_debug ("Opening the ledger %s", path);
  cli->ledger = tb_ledger_open (path, error);
  return cli->ledger;
}

TbBill *
tb_cli_load_bill (TbCli       *cli,
                  const char  *number,
                  GError     **error)
{
  TbLedger *ledger;
  gint64 bill_id;

  if (!g_utf8_validate (number, -1, NULL))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                           _("The bill number is not valid text"));
      return NULL;
    }

  if (!(ledger = tb_cli_get_ledger (cli, error)))
    return NULL;

  bill_id = tb_ledger_lookup_bill (ledger, number, error);
  if (bill_id <= 0)
    {
      /* The core sets an error for an unknown number; do not rely on it for the exit code. */
      if (error != NULL && *error == NULL)
        g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                     _("No bill with the number “%s”"), number);
      return NULL;
    }

  return tb_ledger_get_bill (ledger, bill_id, error);
}

gboolean
tb_cli_clean_text (const char  *text,
                   const char  *what,
                   gboolean     allow_blank,
                   gsize        max_bytes,
                   char       **out,
                   GError     **error)
{
  g_autofree char *copy = NULL;

  *out = NULL;

  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   /* TRANSLATORS: %s is an option such as "--desc" */
                   _("The value of %s is not valid UTF-8 text"), what);
      return FALSE;
    }

  if (text != NULL)
    copy = g_strstrip (g_strdup (text));

  if (copy == NULL || copy[0] == '\0')
    {
      if (allow_blank)
        return TRUE;
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   /* TRANSLATORS: %s is an option such as "--name" */
                   _("The value of %s must not be empty"), what);
      return FALSE;
    }

  if (max_bytes > 0 && strlen (copy) > max_bytes)
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   /* TRANSLATORS: %s is an option such as "--desc"; %u a number of bytes */
                   _("The value of %s is too long (at most %u bytes)"),
                   what, (guint) max_bytes);
      return FALSE;
    }

  *out = g_steal_pointer (&copy);
  return TRUE;
}

gboolean
tb_cli_parse_id (const char  *text,
                 const char  *what,
                 gint64      *out_id,
                 GError     **error)
{
  gint64 value = 0;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   _("The value of %s is not valid UTF-8 text"), what);
      return FALSE;
    }

  if (text[0] == '+' || !g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   /* TRANSLATORS: first %s is an option such as "--customer", then its value */
                   _("%s: “%s” is not an id; use a whole number such as 12"), what, text);
      return FALSE;
    }

  *out_id = value;
  return TRUE;
}

gboolean
tb_cli_parse_local_date (const char  *text,
                         gboolean     end_of_day,
                         gint64      *out_us,
                         GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  gboolean shape_ok;
  GDate date;
  int year = 0, month = 0, day = 0;

  shape_ok = (g_utf8_validate (text, -1, NULL) && strlen (text) == 10 &&
              text[4] == '-' && text[7] == '-');
  for (guint i = 0; shape_ok && i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      shape_ok = FALSE;

  if (shape_ok)
    {
      year = g_ascii_digit_value (text[0]) * 1000 + g_ascii_digit_value (text[1]) * 100 +
             g_ascii_digit_value (text[2]) * 10 + g_ascii_digit_value (text[3]);
      month = g_ascii_digit_value (text[5]) * 10 + g_ascii_digit_value (text[6]);
      day = g_ascii_digit_value (text[8]) * 10 + g_ascii_digit_value (text[9]);
      shape_ok = g_date_valid_dmy (day, month, year);
    }

  if (shape_ok)
    {
      g_date_clear (&date, 1);
      g_date_set_dmy (&date, day, month, year);
      /* An inclusive --to ends at the next day's local midnight (the export bound is
       * exclusive). Computed on the calendar, not as +24 h, so DST days stay whole. */
      if (end_of_day)
        g_date_add_days (&date, 1);

      tz = g_time_zone_new_local ();
      midnight = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
                                  g_date_get_day (&date), 0, 0, 0);
    }

  if (midnight == NULL)
    {
      if (g_utf8_validate (text, -1, NULL))
        g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                     _("“%s” is not a date; use YYYY-MM-DD, such as 2026-03-31"), text);
      else
        g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                             _("The date is not valid text; use YYYY-MM-DD, such as 2026-03-31"));
      return FALSE;
    }

  *out_us = g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
  return TRUE;
}
