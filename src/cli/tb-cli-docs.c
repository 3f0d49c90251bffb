/* tb-cli-docs.c: the man page and bash completion of tulbur-cli, from its option tables
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each command's options are the GOptionEntry table it hands to tb_cli_parse_options (): the
 * command is run in a dump mode where that call records the table and stops it, so the man
 * page and the completion cannot drift from what the commands accept. The text is the
 * untranslated English (the msgids).
 */
#include "config.h"

#include <string.h>

#include "tb-cli.h"

static GPtrArray *
command_options (const TbCliCommand *command)
{
  g_auto(TbCli) cli = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, 2);
  GPtrArray *options = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_cli_option_free);

  args[0] = g_strdup_printf ("tulbur-cli %s", command->name);
  cli.command = command;
  cli.dumped = options;
  /* Stops in tb_cli_parse_options (), before it touches a ledger or the network. */
  if (command->run (&cli, &args, &error))
    g_error ("tulbur-cli %s ran in the dump mode", command->name);
  cli.dumped = NULL;
  return options;
}

static GPtrArray *
global_options (const GOptionEntry *entries)
{
  GPtrArray *options = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_cli_option_free);

  tb_cli_options_add (options, entries);
  return options;
}

/* ---- roff ---- */

static void
roff_text (GString    *out,
           const char *text)
{
  gboolean line_start = TRUE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (line_start && (*p == '.' || *p == '\''))
        g_string_append (out, "\\&");
      line_start = FALSE;
      if (*p == '\\')
        g_string_append (out, "\\e");
      else if (*p == '-')
        g_string_append (out, "\\-");
      else if (*p == '\n')
        {
          g_string_append (out, "\n.PP\n");
          line_start = TRUE;
        }
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\n');
}

static void
roff_options (GString   *out,
              GPtrArray *options)
{
  for (guint i = 0; i < options->len; i++)
    {
      TbCliOption *option = g_ptr_array_index (options, i);

      g_string_append (out, ".TP\n\\fB");
      if (option->short_name != '\0')
        g_string_append_printf (out, "\\-%c\\fR, \\fB", option->short_name);
      g_string_append (out, "\\-\\-");
      roff_text (out, option->long_name);
      g_string_truncate (out, out->len - 1);
      g_string_append (out, "\\fR");
      if (option->takes_value)
        {
          g_string_append (out, " \\fI");
          roff_text (out, option->arg_description != NULL ? option->arg_description : "VALUE");
          g_string_truncate (out, out->len - 1);
          g_string_append (out, "\\fR");
        }
      g_string_append_c (out, '\n');
      roff_text (out, option->description != NULL ? option->description : "");
    }
}

static void
roff_command (GString            *out,
              const TbCliCommand *command)
{
  g_autoptr(GPtrArray) options = command_options (command);
  g_autofree char *title = g_strdup_printf ("tulbur-cli %s [OPTION…]%s%s", command->name,
                                            command->parameter_string != NULL ? " " : "",
                                            command->parameter_string != NULL
                                            ? command->parameter_string : "");

  g_string_append (out, ".SS \"");
  roff_text (out, title);
  g_string_truncate (out, out->len - 1);
  g_string_append (out, "\"\n");
  roff_text (out, command->summary);
  if (command->description != NULL)
    {
      g_string_append (out, ".PP\n");
      roff_text (out, command->description);
    }
  roff_options (out, options);
}

char *
tb_cli_docs_man (const GOptionEntry *global_entries)
{
  g_autoptr(GPtrArray) globals = global_options (global_entries);
  GString *out = g_string_new (NULL);
  const TbCliCommand *commands;
  guint n_commands;

  commands = tb_cli_get_commands (&n_commands);
  g_string_append_printf (out, ".TH TULBUR\\-CLI 1 \"\" \"Tulbur %s\" \"User Commands\"\n",
                          PACKAGE_VERSION);
  g_string_append (out, ".SH NAME\ntulbur\\-cli \\- bills, payments and exports from the "
                        "Tulbur ledger\n"
                        ".SH SYNOPSIS\n.B tulbur\\-cli\n.RI [ OPTION ...]\n.I COMMAND\n"
                        ".RI [ ARGUMENT ...]\n"
                        ".SH DESCRIPTION\n");
  roff_text (out, "tulbur-cli works on the ledger of the Tulbur front-desk app without its "
                  "window, for scripts and support. The ledger is the --db file, else "
                  "$TULBUR_DB, else tulbur/tulbur.db in the user data directory.\n"
                  "The options --db and --json are also accepted after the command. Every "
                  "command takes --help.");
  g_string_append (out, ".SH OPTIONS\n");
  roff_options (out, globals);
  g_string_append (out, ".SH COMMANDS\n");
  for (guint i = 0; i < n_commands; i++)
    roff_command (out, &commands[i]);
  g_string_append (out, ".SH EXIT STATUS\n");
  roff_text (out, "0 done, 1 refused or failed (the reason is printed on standard error), "
                  "2 wrong command line.");
  return g_string_free (out, FALSE);
}

/* ---- bash ---- */

/* " a b c ": a list for the script's [[ "$list" == *" $word "* ]] tests. */
static void
add_word (GString    *list,
          const char *prefix,
          const char *word)
{
  g_autofree char *spaced = g_strdup_printf ("%s%s ", prefix, word);
  g_autofree char *needle = g_strconcat (" ", spaced, NULL);
  g_autofree char *haystack = g_strconcat (" ", list->str, NULL);

  if (strstr (haystack, needle) == NULL)
    g_string_append (list, spaced);
}

static void
add_options (GString   *words,
             GString   *valued,
             GString   *files,
             GPtrArray *options)
{
  for (guint i = 0; i < options->len; i++)
    {
      TbCliOption *option = g_ptr_array_index (options, i);

      add_word (words, "--", option->long_name);
      if (option->takes_value)
        add_word (valued, "--", option->long_name);
      if (option->is_file)
        add_word (files, "--", option->long_name);
    }
  add_word (words, "", "--help");
}

/* The first word of @name ("bill" of "bill show"), or NULL when it has one word. */
static char *
group_of (const char *name)
{
  const char *space = strchr (name, ' ');

  return space != NULL ? g_strndup (name, space - name) : NULL;
}

static void
bash_cases (GString            *cases,
            GString            *groups,
            GString            *valued,
            GString            *files,
            const TbCliCommand *commands,
            guint               n_commands)
{
  for (guint i = 0; i < n_commands; i++)
    {
      g_autoptr(GPtrArray) options = command_options (&commands[i]);
      g_autoptr(GString) words = g_string_new (NULL);
      g_autofree char *group = group_of (commands[i].name);

      if (group != NULL)
        add_word (groups, "", group);
      add_options (words, valued, files, options);
      g_string_append_printf (cases, "    \"%s\") words=\"%s\" ;;\n", commands[i].name,
                              words->str);
    }

  /* A group offers its verbs. */
  for (const char *g = groups->str; *g != '\0';)
    {
      const char *end = strchr (g, ' ');
      g_autofree char *group = g_strndup (g, end - g);
      g_autoptr(GString) verbs = g_string_new (NULL);

      for (guint i = 0; i < n_commands; i++)
        if (g_str_has_prefix (commands[i].name, group) && commands[i].name[strlen (group)] == ' ')
          add_word (verbs, "", commands[i].name + strlen (group) + 1);
      add_word (verbs, "", "--help");
      g_string_append_printf (cases, "    \"%s\") words=\"%s\" ;;\n", group, verbs->str);
      g = end + 1;
    }
}

char *
tb_cli_docs_bash (const GOptionEntry *global_entries)
{
  g_autoptr(GPtrArray) globals = global_options (global_entries);
  g_autoptr(GString) cases = g_string_new (NULL);
  g_autoptr(GString) groups = g_string_new (NULL);
  g_autoptr(GString) valued = g_string_new (NULL);
  g_autoptr(GString) files = g_string_new (NULL);
  g_autoptr(GString) top = g_string_new (NULL);
  const TbCliCommand *commands;
  guint n_commands;
  GString *out = g_string_new (NULL);

  commands = tb_cli_get_commands (&n_commands);
  bash_cases (cases, groups, valued, files, commands, n_commands);
  add_options (top, valued, files, globals);
  for (guint i = 0; i < n_commands; i++)
    {
      g_autofree char *group = group_of (commands[i].name);

      add_word (top, "", group != NULL ? group : commands[i].name);
    }

  g_string_append_printf (out,
    "# bash completion for tulbur-cli %s (made by tulbur-cli --dump-bash-completion)\n"
    "_tulbur_cli ()\n"
    "{\n"
    "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" cmd=\"\" word words i\n"
    "  local groups=\" %s\" valued=\" %s\" files=\" %s\"\n"
    "\n"
    "  (( COMP_CWORD > 0 )) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
    "  for (( i = 1; i < COMP_CWORD; i++ )); do\n"
    "    word=\"${COMP_WORDS[i]}\"\n"
    "    case \"$word\" in\n"
    "      -*=*) ;;\n"
    "      -*) [[ \"$valued\" == *\" $word \"* ]] && (( i++ )) ;;\n"
    "      *) if [[ -z \"$cmd\" ]]; then cmd=\"$word\"\n"
    "         elif [[ \"$groups\" == *\" $cmd \"* ]]; then cmd=\"$cmd $word\"; fi ;;\n"
    "    esac\n"
    "  done\n"
    "\n"
    "  COMPREPLY=()\n"
    "  if [[ \"$files\" == *\" $prev \"* ]]; then\n"
    "    mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
    "    return 0\n"
    "  fi\n"
    "  [[ \"$valued\" == *\" $prev \"* ]] && return 0\n"
    "\n"
    "  case \"$cmd\" in\n"
    "    \"\") words=\"%s\" ;;\n"
    "%s"
    "    *) words=\"\" ;;\n"
    "  esac\n"
    "  mapfile -t COMPREPLY < <(compgen -W \"$words\" -- \"$cur\")\n"
    "  return 0\n"
    "}\n"
    "complete -F _tulbur_cli tulbur-cli\n",
    PACKAGE_VERSION, groups->str, valued->str, files->str, top->str, cases->str);
  return g_string_free (out, FALSE);
}
