"""Test the product file: a valid file loads, and every error names its field."""

from __future__ import annotations

from pathlib import Path

import pytest
from results_factory import PRODUCT_YAML

from conformance.reporting.product import ProductFileError, load_product

REPOSITORY = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "product.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads(product_file: Path) -> None:
    product = load_product(product_file)
    assert product.vendor == "Example Commerce GmbH"
    assert product.version == "4.2.0"
    assert product.contact.email == "conformance@example.com"
    assert product.target_environment.icm_version == "11.10.0"
    assert product.target_environment.notes is None


def test_example_file_in_docs_loads() -> None:
    product = load_product(REPOSITORY / "docs" / "product-example.yaml")
    assert product.vendor
    assert product.target_environment.name


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("vendor: Example Commerce GmbH\n", "", "field 'vendor' is missing"),
        ('version: "4.2.0"', "version: 4.2", "field 'version' must be text, found float 4.2"),
        ("conformance@example.com", "not-an-address", "field 'contact.email': 'not-an-address'"),
        ("  name: Jane Doe\n", "", "field 'contact.name' is missing"),
        (
            "  name: staging\n",
            "  name: staging\n  colour: blue\n",
            "field 'target_environment.colour' is not known",
        ),
        (
            "http://127.0.0.1:8080",
            "ftp://127.0.0.1:8080",
            "field 'target_environment.base_url': 'ftp://127.0.0.1:8080",
        ),
        (
            'icm_version: "11.10.0"',
            'icm_version: ""',
            "field 'target_environment.icm_version' is empty",
        ),
        (
            "product: Example Storefront",
            "prodcut: Example Storefront",
            "field 'prodcut' is not known",
        ),
    ],
)
def test_errors_name_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in PRODUCT_YAML
    path = write(tmp_path, PRODUCT_YAML.replace(old, new, 1))
    with pytest.raises(ProductFileError) as raised:
        load_product(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_all_problems_reported_together(tmp_path: Path) -> None:
    text = PRODUCT_YAML.replace("vendor: Example Commerce GmbH\n", "").replace(
        "conformance@example.com", "nobody"
    )
    with pytest.raises(ProductFileError) as raised:
        load_product(write(tmp_path, text))
    assert "field 'vendor' is missing" in str(raised.value)
    assert "field 'contact.email'" in str(raised.value)


def test_section_of_wrong_type(tmp_path: Path) -> None:
    text = PRODUCT_YAML.split("contact:")[0] + "contact: Jane Doe\ntarget_environment: []\n"
    with pytest.raises(ProductFileError) as raised:
        load_product(write(tmp_path, text))
    assert "field 'contact' must be a mapping of fields, found str" in str(raised.value)
    assert "field 'target_environment' must be a mapping of fields, found list" in str(raised.value)


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "vendor: [unclosed\nproduct: x\n")
    with pytest.raises(ProductFileError, match=r"product\.yaml:\d+:\d+: invalid YAML"):
        load_product(path)


def test_missing_file_suggests_example(tmp_path: Path) -> None:
    with pytest.raises(ProductFileError, match=r"copy docs/product-example\.yaml"):
        load_product(tmp_path / "absent.yaml")


def test_top_level_list_rejected(tmp_path: Path) -> None:
    with pytest.raises(ProductFileError, match="expected a mapping with the fields vendor"):
        load_product(write(tmp_path, "- vendor\n"))
