"""The dashboard in a real headless Chromium (Debian's chromium + chromedriver, driven by
selenium): an admin's whole first session, hostile names, a phone-width pass, and screenshots
of every view, wide and phone, under Tests/e2e/screenshots/ (ignored by git)."""
import shutil
import time
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PASSWORD
from test_openai_sdk import running_fake

SHOTS = Path(__file__).parent / "screenshots"
UPSTREAM_KEY = "sk-fake-dashboard-upstream-1"
XSS = "<img src=x onerror=alert(1)>"
VIEWS = ["overview", "providers", "keys", "aliases", "pools", "logs", "settings"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("chromium is not installed: `make test` installs Debian's chromium and chromium-driver")


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = chromium()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--force-prefers-reduced-motion"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def upstream():
    with running_fake("openai", UPSTREAM_KEY) as root:
        yield root + "/v1"


def wait(driver, condition, timeout=10):
    try:
        return WebDriverWait(driver, timeout).until(condition)
    except TimeoutException:
        shoot(driver, "failure")
        raise


def visible(driver, css, timeout=10):
    return wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout)


def text_in(driver, css, text, timeout=10):
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), timeout)


def dialog(driver):
    return visible(driver, "dialog[open]")


def fill(scope, name, value):
    field = scope.find_element(By.CSS_SELECTOR, f"[name='{name}']")
    if field.tag_name == "select":
        field.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
    else:
        field.clear()
        field.send_keys(value)


def click_button(scope, label):
    for button in scope.find_elements(By.TAG_NAME, "button"):
        if button.text.strip() == label and button.is_displayed():
            button.click()
            return
    raise AssertionError(f"no button {label!r}")


def row_with(driver, text):
    def find(d):
        for row in d.find_elements(By.CSS_SELECTOR, "tbody tr"):
            if text in row.text:
                return row
        return False
    return wait(driver, find)


def go(driver, base, view):
    driver.get(f"{base}/#/{view}")
    visible(driver, "main h1")
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "main .spinner"))


def shoot(driver, name):
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def card_value(driver, name):
    return int(visible(driver, f"[data-card='{name}'] .value").text.replace(",", ""))


def problems(driver):
    """Script errors and CSP violations; refused requests (a 401 session probe, a 422 the form
    shows at its field) are the app's business, not errors."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and entry.get("source") != "network"]


def login(driver, password=PASSWORD):
    field = visible(driver, "input[type=password]")
    field.clear()
    field.send_keys(password + Keys.ENTER)


def test_an_admins_first_session(server, browser, upstream):
    base = server.base
    driver = browser
    # A deep link before logging in: the login page, with the first-start hint, then back there.
    driver.get(f"{base}/#/providers")
    text_in(driver, "form", "INITIAL_PASSWORD")
    login(driver, "not-the-password")
    text_in(driver, "[role=alert]", "Wrong password")
    login(driver)
    wait(driver, EC.url_contains("#/providers"))
    text_in(driver, "main", "No providers yet")

    # A provider through the dialog, then its connection test.
    click_button(driver.find_element(By.CSS_SELECTOR, ".page-head"), "Add provider")
    form = dialog(driver)
    fill(form, "name", "main")
    fill(form, "base_url", upstream)
    fill(form, "api_key", UPSTREAM_KEY)
    fill(form, "models", "gpt-4o\ngpt-4o-mini")
    click_button(form, "Add provider")
    row = row_with(driver, "main")
    assert "sk-" in row.text and UPSTREAM_KEY not in row.text, "only the key's hint is shown"
    click_button(row, "Test")
    text_in(driver, "tbody .result", "Connected")

    # Validation from the API appears at its field.
    click_button(driver.find_element(By.CSS_SELECTOR, ".page-head"), "Add provider")
    form = dialog(driver)
    fill(form, "name", "broken")
    fill(form, "base_url", "ftp://example.invalid")
    click_button(form, "Add provider")
    text_in(driver, "dialog [data-field='base_url'] .error", "http")
    click_button(form, "Cancel")

    # An API key: shown once in the dialog, with Copy.
    go(driver, base, "keys")
    click_button(driver.find_element(By.CSS_SELECTOR, ".page-head"), "Create key")
    form = dialog(driver)
    fill(form, "name", "browser-app")
    click_button(form, "Create key")
    secret_input = visible(driver, "dialog[open] .secret input")
    app_key = secret_input.get_attribute("value")
    assert app_key.startswith("nr-")
    text_in(driver, "dialog[open]", "shown only once")
    click_button(dialog(driver), "Copy")
    click_button(dialog(driver), "Done")
    row_with(driver, "browser-app")

    # An alias to the provider's model, tried from the dashboard.
    go(driver, base, "aliases")
    click_button(driver.find_element(By.CSS_SELECTOR, ".page-head"), "Add alias")
    form = dialog(driver)
    fill(form, "alias", "smart")
    target = form.find_element(By.CSS_SELECTOR, "input[list]")
    target.send_keys("gpt-4o" + Keys.ENTER)
    text_in(driver, "dialog[open] ol", "gpt-4o")
    click_button(form, "Add alias")
    row = row_with(driver, "smart")
    click_button(row, "Try it")
    text_in(driver, "tbody .result", "from main")

    # The overview counts the call an app makes with that key and alias.
    go(driver, base, "overview?window=1h")
    before = card_value(driver, "calls")
    answer = requests.post(f"{base}/v1/chat/completions", headers={"Authorization": f"Bearer {app_key}"},
                           json={"model": "smart", "messages": [{"role": "user", "content": "from the browser test"}]}, timeout=10)
    assert answer.status_code == 200, answer.text
    click_button(driver.find_element(By.CSS_SELECTOR, ".page-head"), "Refresh")
    wait(driver, lambda d: card_value(d, "calls") == before + 1)
    assert card_value(driver, "replicas") == 1, "one replica, this one"
    text_in(driver, "[data-card='replicas'] .sub", "on SQLite")

    # The call in Logs, and its details.
    go(driver, base, "logs")
    row = row_with(driver, "browser-app")
    assert "smart" in row.text and "main" in row.text and "200" in row.text
    row.click()
    text_in(driver, "dialog[open]", answer.headers["x-request-id"])
    text_in(driver, "dialog[open]", "Attempts")
    text_in(driver, "dialog[open]", "Replica")
    click_button(dialog(driver), "Close")

    # Revoking the key refuses the app's next call.
    go(driver, base, "keys")
    click_button(row_with(driver, "browser-app"), "Revoke")
    click_button(dialog(driver), "Revoke")
    wait(driver, lambda d: "browser-app" not in d.find_element(By.TAG_NAME, "main").text)
    refused = requests.post(f"{base}/v1/chat/completions", headers={"Authorization": f"Bearer {app_key}"},
                            json={"model": "smart", "messages": [{"role": "user", "content": "again"}]}, timeout=10)
    assert refused.status_code == 401

    # A session that ends (logged out elsewhere) sends the admin to log in, then back.
    ended = requests.post(f"{base}/api/admin/logout", json={}, cookies={"nr_session": driver.get_cookie("nr_session")["value"]},
                          timeout=10)
    assert ended.status_code == 204
    driver.find_element(By.CSS_SELECTOR, "#nav a[href='#/logs']").click()
    visible(driver, "input[type=password]")
    login(driver)
    wait(driver, EC.url_contains("#/logs"))
    row_with(driver, "smart")
    assert problems(driver) == []


def test_hostile_names_show_as_text_and_every_view_fits_a_phone(server, browser, upstream):
    base = server.base
    admin = server.admin(server.login())
    created = admin.post(f"{base}/api/admin/providers", json={"name": XSS, "base_url": upstream, "api_key": UPSTREAM_KEY,
                                                              "models": ["gpt-4o"]})
    assert created.status_code == 201
    assert admin.post(f"{base}/api/admin/aliases", json={"alias": "smart", "target": "gpt-4o"}).status_code == 201
    key = admin.post(f"{base}/api/admin/keys", json={"name": XSS, "budget_usd": 5}).json()["key"]
    assert admin.post(f"{base}/api/admin/proxy-pools", json={"name": "corp", "proxies": ["http://user:pw@127.0.0.1:9"]}).status_code == 201
    for _ in range(3):
        requests.post(f"{base}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                      json={"model": "smart", "messages": [{"role": "user", "content": "hi"}]}, timeout=10)
    requests.post(f"{base}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                  json={"model": "unknown", "messages": [{"role": "user", "content": "hi"}]}, timeout=10)

    driver = browser
    driver.get(f"{base}/#/providers")
    login(driver)
    row = row_with(driver, XSS)
    assert XSS in row.text
    assert not driver.find_elements(By.CSS_SELECTOR, "main img[src='x']")
    go(driver, base, "keys")
    assert XSS in row_with(driver, XSS).text
    go(driver, base, "overview?window=1h")
    visible(driver, ".chart svg")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text

    for width, height, label in ((1280, 900, "wide"), (375, 812, "phone")):
        driver.set_window_size(width, height)
        for view in VIEWS:
            go(driver, base, view + ("?window=1h" if view == "overview" else ""))
            time.sleep(0.2)
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{view} scrolls sideways by {overflow}px at {width}px"
            unlabeled = driver.execute_script("""
                return [...document.querySelectorAll('main input:not([type=hidden]):not([hidden]), main select, main textarea')]
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).length""")
            assert unlabeled == 0, f"{view} has inputs without labels"
            shoot(driver, f"{view}-{label}")
        go(driver, base, "providers")
        click_button(driver.find_element(By.CSS_SELECTOR, ".page-head"), "Add provider")
        dialog(driver)
        shoot(driver, f"provider-dialog-{label}")
        driver.find_element(By.CSS_SELECTOR, "dialog[open]").send_keys(Keys.ESCAPE)
        wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))
    # Dark mode follows the system.
    driver.set_window_size(1280, 900)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    go(driver, base, "overview?window=1h")
    visible(driver, ".chart svg")
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 19, 28)", background
    shoot(driver, "overview-dark")
    go(driver, base, "logs")
    shoot(driver, "logs-dark")
    driver.get(f"{base}/#/no-such-view")
    text_in(driver, "main", "no such page")
    assert problems(driver) == []


def test_the_keyboard_alone_reaches_every_view(server, browser):
    driver = browser
    driver.get(f"{server.base}/#/overview")
    login(driver)
    visible(driver, "#nav")
    body = driver.find_element(By.TAG_NAME, "body")
    reached = set()
    for _ in range(80):
        body.send_keys(Keys.TAB)
        focused = driver.switch_to.active_element
        view = focused.get_attribute("data-view")
        if view and view not in reached:
            focused.send_keys(Keys.ENTER)
            wait(driver, EC.url_contains(f"#/{view}"))
            reached.add(view)
            body = driver.find_element(By.TAG_NAME, "body")
            driver.execute_script("document.querySelector('.brand').focus()")
    assert reached == set(VIEWS)
    outline = driver.execute_script("""
        const link = document.querySelector('#nav a'); link.focus();
        return getComputedStyle(link).outlineStyle""")
    assert outline != "none", "focus must be visible"


def test_the_login_page_shows_the_throttle_wait(server, browser):
    driver = browser
    driver.get(f"{server.base}/#/overview")
    for attempt in range(5):
        login(driver, f"wrong-{attempt}")
        text_in(driver, "[role=alert]", "Wrong password")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form button[type=submit]").is_enabled())
    login(driver, "wrong-again")
    text_in(driver, "[role=alert]", "Too many failed attempts. Try again in")
    assert not driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").is_enabled()
    shoot(driver, "login-throttled")


def test_a_logged_out_page_loads_with_a_clean_console(server, browser):
    """Issue 12: a fresh, logged-out load logged a failed request (401 on the session probe)."""
    driver = browser
    driver.get_log("browser")  # drop what earlier pages left
    driver.delete_all_cookies()
    driver.get(f"{server.base}/#/overview")
    visible(driver, "input[type=password]")
    time.sleep(0.5)
    entries = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert entries == [], entries



def add_provider_dialog(driver, server):
    """Logs in on the providers view and opens the "Add provider" dialog; returns its form."""
    driver.get(f"{server.base}/#/providers")
    login(driver)
    visible(driver, ".page-head")
    click_button(driver.find_element(By.CSS_SELECTOR, ".page-head"), "Add provider")
    return dialog(driver)


def save_provider(driver, server, form, name):
    """Submits the "Add provider" dialog, waits for the row, and returns the provider as the API stores it."""
    click_button(form, "Add provider")
    row_with(driver, name)
    admin = server.admin(server.login())
    return next(p for p in admin.get(server.base + "/api/admin/providers").json()["data"] if p["name"] == name)


def test_a_connections_responses_fields(server, browser, upstream):
    """native_responses follows the base URL while it is untouched, and both Responses fields save."""
    driver = browser
    form = add_provider_dialog(driver, server)
    native = form.find_element(By.CSS_SELECTOR, "[name='native_responses']")
    assert native.is_selected(), "an empty base URL is OpenAI's own API, which speaks Responses"
    fill(form, "name", "compatible")
    fill(form, "base_url", upstream)
    assert not native.is_selected(), "another server is taken to speak chat only"
    fill(form, "api_key", UPSTREAM_KEY)
    fill(form, "models", "gpt-4o")
    click_button(form, "Add provider")
    row = row_with(driver, "compatible")
    admin = server.admin(server.login())
    stored = next(p for p in admin.get(server.base + "/api/admin/providers").json()["data"] if p["name"] == "compatible")
    assert stored["native_responses"] is False and stored["responses_only_models"] == []

    click_button(row, "Edit")
    form = dialog(driver)
    form.find_element(By.CSS_SELECTOR, "[name='native_responses']").click()
    fill(form, "responses_only_models", "gpt-5-codex")
    click_button(form, "Save")
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))
    stored = next(p for p in admin.get(server.base + "/api/admin/providers").json()["data"] if p["name"] == "compatible")
    assert stored["native_responses"] is True and stored["responses_only_models"] == ["gpt-5-codex"]
    assert not problems(driver)


def test_an_azure_connection_from_the_dialog(server, browser):
    """Azure's own fields appear for the Azure type only, and the deployments lines save as a map."""
    driver = browser
    form = add_provider_dialog(driver, server)
    api_version = form.find_element(By.CSS_SELECTOR, "[name='api_version']")
    assert not api_version.is_displayed(), "Azure's fields are hidden for an OpenAI connection"
    Select(form.find_element(By.CSS_SELECTOR, "[name='type']")).select_by_value("azure")
    assert api_version.is_displayed()
    fill(form, "name", "azure-prod")
    fill(form, "base_url", "https://res.openai.azure.com")
    fill(form, "api_key", "0123456789abcdef0123456789abcdef")
    fill(form, "models", "gpt-4o\nembed")
    fill(form, "api_version", "2024-10-21")
    fill(form, "deployments", "gpt-4o=prod-gpt-4o\nembed=text-embedding-3-small")
    stored = save_provider(driver, server, form, "azure-prod")
    assert (stored["type"], stored["base_url"], stored["api_version"]) == ("azure", "https://res.openai.azure.com", "2024-10-21")
    assert stored["deployments"] == {"gpt-4o": "prod-gpt-4o", "embed": "text-embedding-3-small"}
    assert not problems(driver)


def test_discovered_models_are_chosen_in_the_browser(server, browser, upstream):
    """"Models…" lists what the connection offers with the served ones ticked; saving serves the ticked ones."""
    admin = server.admin(server.login())
    created = admin.post(server.base + "/api/admin/providers", json={
        "name": "discovering", "base_url": upstream, "api_key": UPSTREAM_KEY, "models": ["gpt-4o", "my-own-name"]})
    assert created.status_code == 201, created.text
    driver = browser
    driver.get(f"{server.base}/#/providers")
    login(driver)
    click_button(row_with(driver, "discovering"), "Models…")
    form = dialog(driver)
    boxes = {box.get_attribute("value"): box for box in form.find_elements(By.CSS_SELECTOR, "input[name='serve']")}
    assert sorted(boxes) == ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]
    assert boxes["gpt-4o"].is_selected() and not boxes["gpt-4o-mini"].is_selected()
    boxes["gpt-4o"].click()
    boxes["gpt-4o-mini"].click()
    click_button(form, "Serve ticked models")
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))
    stored = admin.get(server.base + f"/api/admin/providers/{created.json()['id']}").json()
    assert stored["models"] == ["gpt-4o-mini", "my-own-name"], "a name the connection did not list is kept"
    assert not problems(driver)


def test_a_catalogue_service_from_the_dialog(server, browser):
    """Picking a known service fills the base URL, says what the service does not take, and saves its id."""
    driver = browser
    form = add_provider_dialog(driver, server)
    fill(form, "catalog", "groq")
    base = form.find_element(By.CSS_SELECTOR, "[name='base_url']")
    assert base.get_attribute("value") == "https://api.groq.com/openai/v1"
    assert "not sent: logprobs, top_logprobs, logit_bias" in form.text
    assert form.find_element(By.CSS_SELECTOR, "[name='name']").get_attribute("value") == "groq"
    fill(form, "api_key", "gsk-test-key-123456")
    stored = save_provider(driver, server, form, "groq")
    assert (stored["type"], stored["base_url"], stored["catalog"]) == ("openai", "https://api.groq.com/openai/v1", "groq")
    assert not problems(driver)
