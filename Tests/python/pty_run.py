#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, as an operator at a terminal would, answering each
prompt that ends in "[y/N] " with the next answer given. Prints one JSON object:
{"status": exit status, "transcript": everything the terminal showed, "prompts": count}.

usage: pty_run.py TIMEOUT_SECONDS ANSWERS -- COMMAND [ARG...]   (ANSWERS: comma-separated, e.g. "n,n,y")
"""
import json, os, pty, select, sys, time


def main():
    timeout, answers = float(sys.argv[1]), [a for a in sys.argv[2].split(",") if a]
    command = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    transcript, prompts, pending = b"", 0, b""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            transcript += chunk
            pending += chunk
            while b"[y/N] " in pending:
                pending = pending.split(b"[y/N] ", 1)[1]
                answer = answers[prompts] if prompts < len(answers) else "n"
                prompts += 1
                os.write(fd, (answer + "\n").encode())
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = code
            # Drain what is left.
            try:
                while True:
                    ready, _, _ = select.select([fd], [], [], 0.05)
                    if not ready:
                        break
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    transcript += chunk
            except OSError:
                pass
            break
    if status is None:
        try:
            os.kill(pid, 9)
            _, status = os.waitpid(pid, 0)
        except OSError:
            status = 9
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"status": code if code >= 0 else 128 - code, "transcript": transcript.decode(errors="replace"),
                      "prompts": prompts}))


if __name__ == "__main__":
    main()
