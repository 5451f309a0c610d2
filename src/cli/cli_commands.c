/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright program: the commands, in the order 'discwright --help' lists
 * them; each one's options are in its spec (cli_opts.h). */
#include "cli/cli.h"
#include "cli/cli_opts.h"

extern const struct cli_spec cli_spec_drives, cli_spec_info, cli_spec_rip, cli_spec_offset,
    cli_spec_convert, cli_spec_mkiso, cli_spec_burn, cli_spec_verify, cli_spec_format,
    cli_spec_blank, cli_spec_checklog;

const struct cli_command cli_commands[] = {
    {&cli_spec_drives, cmd_drives},   {&cli_spec_info, cmd_info},
    {&cli_spec_rip, cmd_rip},         {&cli_spec_offset, cmd_offset},
    {&cli_spec_convert, cmd_convert}, {&cli_spec_mkiso, cmd_mkiso},
    {&cli_spec_burn, cmd_burn},       {&cli_spec_verify, cmd_verify},
    {&cli_spec_format, cmd_format},   {&cli_spec_blank, cmd_blank},
    {&cli_spec_checklog, cmd_checklog},
};
const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);
