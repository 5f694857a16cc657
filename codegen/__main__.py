"""``python -m codegen``: codegen/cli.py, or one sentence naming the install command when the
``[codegen]`` extra is missing."""

import sys

from codegen._extra import EXIT_NOT_INSTALLED, missing_extra_sentence

if (sentence := missing_extra_sentence()) is not None:
    print(sentence, file=sys.stderr)
    sys.exit(EXIT_NOT_INSTALLED)

try:
    from codegen.cli import main
except ModuleNotFoundError as error:
    # A dependency of the extra's packages (not codegen's own modules) is missing: the same advice.
    if not error.name or error.name.partition(".")[0] == "codegen":
        raise
    print(missing_extra_sentence([error.name]), file=sys.stderr)
    sys.exit(EXIT_NOT_INSTALLED)

sys.exit(main())
