#!/usr/bin/python3
"""Checks an iCalendar file with an independent parser (Debian's python3-icalendar).

Usage: check_ics.py FILE.ics EXPECTED_COUNT [UID=YYYY-MM-DDTHH:MM:SSZ ...]

Asserts that the file has CRLF line ends only and physical lines of at most 75 octets, that it
parses, that it holds EXPECTED_COUNT VEVENTs, each with UID, SUMMARY and time-zone-aware
DTSTART/DTEND (DTEND after DTSTART) whose TZID has a VTIMEZONE in the file. Each UID=INSTANT
argument names a VEVENT whose DTSTART must be that UTC instant, both as the IANA database reads
the local time and as the file's own VTIMEZONE does.

Prints "ok" and exits 0, or prints what is wrong and exits 1.
"""

import datetime
import sys

try:
    import icalendar
except ImportError:
    print("the icalendar module is missing (Debian: apt-get install python3-icalendar); "
          f"interpreter: {sys.executable}")
    sys.exit(1)


class CheckError(Exception):
    pass


def check_lines(data):
    if b"\n" in data.replace(b"\r\n", b"") or b"\r" in data.replace(b"\r\n", b""):
        raise CheckError("a line ends with something other than CRLF")
    if not data.endswith(b"\r\n"):
        raise CheckError("the file does not end with CRLF")
    for number, line in enumerate(data.split(b"\r\n")[:-1], start=1):
        if len(line) > 75:
            raise CheckError(f"physical line {number} has {len(line)} octets (at most 75)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CheckError(f"not UTF-8: {error}")


def parse_instant(text):
    if not text.endswith("Z"):
        raise CheckError(f"expected instant {text!r} must end with Z")
    return datetime.datetime.strptime(text[:-1], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)


def check(path, expected_count, expectations):
    with open(path, "rb") as f:
        data = f.read()
    check_lines(data)
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # the parser raises ValueError and others
        raise CheckError(f"does not parse: {error}")
    if calendar.name != "VCALENDAR":
        raise CheckError(f"top component is {calendar.name}, not VCALENDAR")
    if str(calendar.get("VERSION")) != "2.0":
        raise CheckError("VERSION is not 2.0")
    if not calendar.get("PRODID"):
        raise CheckError("PRODID is missing")

    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    if len(events) != expected_count:
        raise CheckError(f"{len(events)} VEVENTs, expected {expected_count}")

    by_uid = {}
    for event in events:
        uid = event.get("UID")
        if not uid:
            raise CheckError("a VEVENT has no UID")
        uid = str(uid)
        if uid in by_uid:
            raise CheckError(f"UID {uid} appears twice")
        by_uid[uid] = event
        if not event.get("SUMMARY"):
            raise CheckError(f"{uid}: no SUMMARY")
        times = {}
        for name in ("DTSTART", "DTEND"):
            prop = event.get(name)
            if prop is None:
                raise CheckError(f"{uid}: no {name}")
            value = prop.dt
            if not isinstance(value, datetime.datetime) or value.tzinfo is None or \
                    value.utcoffset() is None:
                raise CheckError(f"{uid}: {name} {value!r} is not time-zone-aware")
            tzid = prop.params.get("TZID")
            if tzid is not None and str(tzid) not in zones:
                raise CheckError(f"{uid}: {name} names TZID {tzid} without a VTIMEZONE")
            times[name] = prop
        if not times["DTEND"].dt > times["DTSTART"].dt:
            raise CheckError(f"{uid}: DTEND {times['DTEND'].dt} is not after DTSTART "
                             f"{times['DTSTART'].dt}")

    for uid, expected in expectations:
        event = by_uid.get(uid)
        if event is None:
            raise CheckError(f"no VEVENT with UID {uid} (have {sorted(by_uid)})")
        prop = event["DTSTART"]
        got = prop.dt.astimezone(datetime.timezone.utc)
        if got != expected:
            raise CheckError(f"{uid}: DTSTART is {got.isoformat()} in UTC by the IANA database, "
                             f"expected {expected.isoformat()}")
        tzid = prop.params.get("TZID")
        if tzid is not None:
            # The same local time read through the file's own VTIMEZONE.
            own = zones[str(tzid)].to_tz().localize(prop.dt.replace(tzinfo=None))
            got = own.astimezone(datetime.timezone.utc)
            if got != expected:
                raise CheckError(f"{uid}: DTSTART is {got.isoformat()} in UTC by the file's "
                                 f"VTIMEZONE {tzid}, expected {expected.isoformat()}")


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2])
        return 1
    try:
        expected_count = int(argv[2])
        expectations = []
        for arg in argv[3:]:
            uid, sep, instant = arg.rpartition("=")
            if not sep or not uid:
                raise CheckError(f"argument {arg!r} is not UID=YYYY-MM-DDTHH:MM:SSZ")
            expectations.append((uid, parse_instant(instant)))
        check(argv[1], expected_count, expectations)
    except (CheckError, OSError, ValueError) as error:
        print(f"{argv[1]}: {error}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
