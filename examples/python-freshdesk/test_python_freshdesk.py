"""The PyPI ``python-freshdesk`` client (Freshdesk REST API v2), unchanged, pointed at freshmock.

The same scenarios as the npm ``freshdesk-api`` kit (examples/freshdesk-api): an agent-side
job's calls, and the widget seeing what they wrote, in one offline run; then what a
connector syncing contacts and the account's people calls. The only change to the client is
its URL prefix: it builds ``https://<domain>/api/v2/`` and freshmock serves plain HTTP on a
local port.

Run by scripts/python-freshdesk.sh, which starts freshmock and sets ``FRESHMOCK_URL``.
"""

import os
import unittest

import requests
from freshdesk.v2.api import API
from freshdesk.v2.errors import (
    FreshdeskAccessDenied,
    FreshdeskBadRequest,
    FreshdeskNotFound,
)

URL = os.environ["FRESHMOCK_URL"].rstrip("/")
# The bundled account's keys (fixtures/agents.json).
ADMIN_KEY = "adminkey0000000000000000000000001"
AGENT_KEY = "agentkey0000000000000000000000002"
# The main widget, and its public folder.
WIDGET = "12000000025"
PUBLIC_FOLDER = 11
WIDGET_HEADERS = {"X-Widget-Id": WIDGET, "X-Client-Id": "python-freshdesk-example"}


def client(key):
    """The client as its README makes it, then pointed at freshmock."""
    api = API("acme.freshdesk.com", key)
    api._api_prefix = URL + "/api/v2/"
    return api


def widget_finds(term):
    """Article ids the widget's search finds, anonymously."""
    res = requests.get(
        URL + "/api/widget/search/solutions",
        params={"term": term},
        headers=WIDGET_HEADERS,
        timeout=10,
    )
    assert res.status_code == 200, res.text
    return [a["id"] for a in res.json()]


class Solutions(unittest.TestCase):
    def setUp(self):
        self.admin = client(ADMIN_KEY)
        self.agent = client(AGENT_KEY)

    def test_an_article_published_through_the_client_is_found_by_the_widget(self):
        articles = self.admin.solutions.articles
        article = articles.create_article(
            PUBLIC_FOLDER,
            title="Pairing the teapot",
            description="<p>Hold the teapotflux button for five seconds.</p>",
            status=2,
        )
        self.assertEqual(article.folder_id, PUBLIC_FOLDER)
        self.assertEqual(article.status, "published")
        self.assertEqual(widget_finds("teapotflux"), [article.id])

        drafted = articles.update_article(article.id, status=1)
        self.assertEqual(drafted.status, "draft")
        self.assertEqual(widget_finds("teapotflux"), [])

        found = articles.search("teapotflux")
        self.assertEqual([a.id for a in found], [article.id])

    def test_categories_folders_and_translations_read_back(self):
        solutions = self.admin.solutions
        category = solutions.categories.create_category(name="Teapots", description="Everything teapot")
        folder = solutions.folders.create_folder(category.id, name="Setup", visibility=1)
        folders = solutions.folders.list_from_category(category.id)
        self.assertEqual([f.id for f in folders], [folder.id])
        article = solutions.articles.create_article(
            folder.id, title="Descaling", description="<p>Vinegar.</p>", status=2, tags=["teapot"]
        )
        translated = solutions.articles.create_article_translation(
            article.id, "fr", title="Détartrage", description="<p>Du vinaigre.</p>", status=2
        )
        self.assertEqual(translated.title, "Détartrage")
        back = solutions.articles.get_article_translated(article.id, "fr")
        self.assertEqual(back.title, "Détartrage")
        listed = solutions.articles.list_from_folder(folder.id)
        self.assertEqual([a.title for a in listed], ["Descaling"])
        self.assertEqual(solutions.categories.get_category(category.id).name, "Teapots")

        solutions.categories.delete_category(category.id)
        # Freshdesk answers a missing record with an empty 404; the client raises its own
        # not-found error, against Freshdesk and freshmock alike.
        with self.assertRaises(FreshdeskNotFound):
            solutions.folders.get_folder(folder.id)

    def test_an_agent_whose_role_does_not_allow_knowledge_base_writes_is_refused(self):
        with self.assertRaises(FreshdeskAccessDenied) as refused:
            self.agent.solutions.categories.create_category(name="Not allowed")
        self.assertIn("not authorized", str(refused.exception))
        self.assertGreaterEqual(len(self.agent.solutions.categories.list_categories()), 3)

    def test_validation_errors_reach_the_client_as_freshdesk_words_them(self):
        with self.assertRaises(FreshdeskBadRequest) as refused:
            self.admin.solutions.articles.create_article(PUBLIC_FOLDER, title="No body")
        message = str(refused.exception)
        self.assertTrue(message.startswith("Validation failed: "), message)
        for field in ("description", "status"):
            self.assertIn("'field': '%s'" % field, message)
        self.assertIn("'code': 'missing_field'", message)


class Tickets(unittest.TestCase):
    def setUp(self):
        self.admin = client(ADMIN_KEY)
        self.agent = client(AGENT_KEY)

    def test_a_ticket_sent_through_the_widgets_contact_form_is_read_back(self):
        res = requests.post(
            URL + "/api/widget/tickets",
            json={
                "email": "nora@example.com",
                "description": "The teapot will not pair.",
                "g-recaptcha-response": "ok",
            },
            headers=WIDGET_HEADERS,
            timeout=10,
        )
        self.assertEqual(res.status_code, 201, res.text)
        ticket_id = res.json()["id"]
        tickets = self.admin.tickets.list_tickets(filter_name=None, email="nora@example.com")
        self.assertIn(ticket_id, [t.id for t in tickets])
        ticket = self.admin.tickets.get_ticket(ticket_id)
        self.assertIn("will not pair", ticket.description_text)

        made = self.agent.tickets.create_ticket(
            "Follow-up",
            email="nora@example.com",
            description="Called the customer back.",
            status=2,
            priority=1,
        )
        self.assertEqual((made.status, made.priority), ("open", "low"))
        updated = self.agent.tickets.update_ticket(made.id, status=4)
        self.assertEqual(updated.status, "resolved")
        found = self.admin.tickets.filter_tickets("status:4")
        self.assertIn(made.id, [t.id for t in found])

    def test_the_ticket_fields_name_the_default_fields(self):
        fields = self.admin.ticket_fields.list_ticket_fields()
        self.assertTrue(fields, "the account has ticket fields")
        self.assertTrue(all(f.created_at and f.name for f in fields))
        names = [f.name for f in fields]
        # The agent API's names, not the widget form's (email, type).
        for name in ("requester", "ticket_type", "source", "group", "agent", "company"):
            self.assertIn(name, names)
        self.assertNotIn("email", names)


class Conversations(unittest.TestCase):
    """What an agent tool calls right after tickets: replies and notes."""

    def setUp(self):
        self.admin = client(ADMIN_KEY)
        self.agent = client(AGENT_KEY)

    def test_replies_and_notes_are_listed_after_the_ticket_without_its_description(self):
        ticket = self.agent.tickets.create_ticket(
            "Kettle whistles", email="nora@example.com", description="It whistles all night.",
            status=2, priority=2,
        )
        self.assertEqual(self.agent.comments.list_comments(ticket.id), [])
        reply = self.agent.comments.create_reply(ticket.id, "<p>Try the <b>quiet</b> lid.</p>")
        self.assertEqual(reply.ticket_id, ticket.id)
        self.assertEqual(reply.body_text, "Try the quiet lid.")
        note = self.agent.comments.create_note(ticket.id, "Known issue with batch 7")
        self.assertTrue(note.private)
        public = self.agent.comments.create_note(ticket.id, "Customer called", private=False)
        self.assertFalse(public.private)

        listed = self.agent.comments.list_comments(ticket.id)
        self.assertEqual([c.id for c in listed], [reply.id, note.id, public.id])
        self.assertEqual([c.source for c in listed], ["reply", "note", "note"])
        self.assertEqual(listed[0].to_emails, ["nora@example.com"])
        # One page at a time, as the client pages when asked.
        first = self.agent.comments.list_comments(ticket.id, page=1, per_page=2)
        self.assertEqual([c.id for c in first], [reply.id, note.id])

        shown = self.agent.tickets.get_ticket(ticket.id, "conversations")
        self.assertEqual([c["id"] for c in shown.conversations], [reply.id, note.id, public.id])

    def test_a_note_without_a_body_is_refused_as_freshdesk_words_it(self):
        ticket = self.agent.tickets.create_ticket(
            "No body", email="nora@example.com", description="x", status=2, priority=1
        )
        with self.assertRaises(FreshdeskBadRequest) as refused:
            self.agent.comments.create_note(ticket.id, None)
        self.assertIn("'field': 'body'", str(refused.exception))
        with self.assertRaises(FreshdeskNotFound):
            self.agent.comments.list_comments(999999)


class Contacts(unittest.TestCase):
    def setUp(self):
        self.admin = client(ADMIN_KEY)
        self.agent = client(AGENT_KEY)

    def test_a_contact_made_through_the_client_is_the_widget_user_its_email_names(self):
        contact = self.admin.contacts.create_contact(name="Teapot Owner", email="owner@teapots.test")
        listed = self.admin.contacts.list_contacts(email="owner@teapots.test")
        self.assertEqual([c.id for c in listed], [contact.id])
        read = self.agent.contacts.get_contact(contact.id)
        self.assertEqual(read.name, "Teapot Owner")
        # The client's default description reached freshmock and came back.
        self.assertEqual(read.description, "Freshdesk Contact")
        self.admin.contacts.soft_delete_contact(contact.id)
        self.assertTrue(self.admin.contacts.get_contact(contact.id).deleted)
        self.admin.contacts.restore_contact(contact.id)
        self.assertFalse(hasattr(self.admin.contacts.get_contact(contact.id), "deleted"))
        # The client sends force=True in Python's spelling.
        self.admin.contacts.permanently_delete_contact(contact.id)
        with self.assertRaises(FreshdeskNotFound):
            self.admin.contacts.get_contact(contact.id)

    def test_a_connector_syncs_contacts_incrementally_and_pages_through_them(self):
        since = "2025-06-01T00:00:00Z"
        fresh = self.admin.contacts.create_contact(name="Fresh", email="fresh@teapots.test")
        synced = self.admin.contacts.list_contacts(_updated_since=since)
        self.assertIn(fresh.id, [c.id for c in synced])
        self.assertTrue(all(c.updated_at.isoformat() >= "2025-06-01" for c in synced))
        everyone = self.admin.contacts.list_contacts()
        one_by_one = []
        page = 1
        while True:
            batch = self.admin.contacts.list_contacts(page=page, per_page=2)
            one_by_one += batch
            if len(batch) < 2:
                break
            page += 1
        self.assertEqual([c.id for c in one_by_one], [c.id for c in everyone])
        for c in everyone:
            self.assertIsNone(c.twitter_profile_status)
        with self.assertRaises(FreshdeskBadRequest) as refused:
            self.admin.contacts.list_contacts(updated_since=since)
        self.assertIn("invalid_field", str(refused.exception))

    def test_contacts_and_companies_are_found_by_filter_queries(self):
        company = self.admin.companies.create_company(name="Teapot Works", domains=["teapots.test"])
        self.assertEqual(self.admin.companies.get_company(company.id).name, "Teapot Works")
        self.assertIn(company.id, [c.id for c in self.admin.companies.list_companies()])
        found = self.admin.companies.filter_companies("domain:'teapots.test'")
        self.assertEqual([c.id for c in found], [company.id])
        member = self.admin.contacts.create_contact(
            name="Member", email="member@teapots.test", company_id=company.id
        )
        by_company = self.admin.contacts.filter_contacts("company_id:%d" % company.id)
        self.assertEqual([c.id for c in by_company], [member.id])
        updated = self.admin.companies.update_company(company.id, description="Makes teapots")
        self.assertEqual(updated.description, "Makes teapots")
        self.admin.companies.delete_company(company.id)
        with self.assertRaises(FreshdeskNotFound):
            self.admin.companies.get_company(company.id)


class People(unittest.TestCase):
    def setUp(self):
        self.admin = client(ADMIN_KEY)
        self.agent = client(AGENT_KEY)

    def test_agents_groups_and_roles_read_as_a_connector_reads_them(self):
        me = self.agent.agents.currently_authenticated_agent()
        self.assertEqual(me.contact["email"], "stan@acme.test")
        self.assertIsNone(me.last_active_at)
        agents = self.admin.agents.list_agents()
        self.assertEqual([a.id for a in agents], [2001, 2002, 2003])
        self.assertTrue(all(a.last_active_at is None for a in agents))
        self.assertEqual(self.admin.agents.get_agent(2003).contact["name"], "Vera Viewer")
        fulltime = self.admin.agents.list_agents(state="fulltime")
        self.assertEqual(len(fulltime), 3)

        groups = self.agent.groups.list_groups()
        self.assertEqual([g.name for g in groups], ["Support", "Escalations", "Knowledge Base"])
        self.assertEqual(self.agent.groups.get_group(groups[0].id).agent_ids, [2001, 2002])

        roles = self.admin.roles.list_roles()
        self.assertEqual(len(roles), 5)
        self.assertEqual(self.admin.roles.get_role(roles[0].id).name, roles[0].name)
        with self.assertRaises(FreshdeskAccessDenied):
            self.agent.roles.list_roles()

    def test_a_key_no_agent_has_is_refused(self):
        from freshdesk.v2.errors import FreshdeskUnauthorized

        with self.assertRaises(FreshdeskUnauthorized):
            client("nobody").agents.currently_authenticated_agent()


if __name__ == "__main__":
    unittest.main(verbosity=2)
