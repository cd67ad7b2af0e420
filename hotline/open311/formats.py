"""GeoReport v2 answers in JSON or XML: the same lists of records, an XML root and element name each."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

FORMATS = ("json", "xml")


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(element, key, item)
    elif isinstance(value, list):
        singular = {
            "values": "value",
            "attributes": "attribute",
            "endpoints": "endpoint",
            "formats": "format",
        }
        for item in value:
            _xml_value(element, singular.get(name, "item"), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render(data: Any, fmt: str, *, root: str, element: str, status: int = 200) -> HttpResponse:
    """``data`` is a list of records (or one record for ``discovery``/``service_definition``)."""
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    top = ET.Element(root)
    if isinstance(data, list):
        for record in data:
            node = ET.SubElement(top, element)
            for key, value in record.items():
                _xml_value(node, key, value)
    else:
        for key, value in data.items():
            _xml_value(top, key, value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
        top, encoding="utf-8", xml_declaration=False
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """GeoReport errors: an array of ``{"code", "description"}``."""
    items = [{"code": status, "description": text} for text in descriptions]
    return render(items, fmt if fmt in FORMATS else "json", root="errors", element="error", status=status)
