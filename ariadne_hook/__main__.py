from ariadne_hook.cli import main_entry

main_entry()
