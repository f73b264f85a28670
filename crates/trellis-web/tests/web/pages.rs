//! Pages: what they show, to whom, and the headers around them.

use axum::http::StatusCode;

use crate::support::App;
use trellis_store::prelude::*;

pub async fn framework_pages(app: App) {
    let b = app.browser(app.ids.member_a).await;
    let home = app.get("/", Some(&b)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("Software Engineer"),
        "the member's role level is on the home page"
    );
    assert!(
        home.body
            .contains("/frameworks/current/role-levels/engineering/software-engineer")
    );
    assert!(home.body.contains("what it takes to get there"));

    let overview = app.get("/frameworks/current", Some(&b)).await;
    assert!(overview.body.contains("Trellis Starter Framework"));
    assert!(overview.body.contains("<label for=\"from\">From</label>"));

    let profile = app
        .get(
            "/frameworks/current/role-levels/engineering/senior-software-engineer",
            Some(&b),
        )
        .await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.body.contains("<h1>Senior Software Engineer</h1>"));
    // Requirements are marked in words, not colour alone.
    assert!(profile.body.contains("badge badge-inherited\">Inherited"));
    assert!(
        profile.body.contains("badge badge-new\">New")
            || profile.body.contains("badge-raised\">Raised")
    );
    assert!(profile.body.contains("Skip to main content"));
    assert!(profile.body.contains("<main id=\"main\""));
    let missing = app
        .get(
            "/frameworks/current/role-levels/engineering/wizard",
            Some(&b),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The profile links its hiring kit: an advert, a plan whose stages score every dimension of
    // the level, and what a 1, 3 and 5 answer looks like per dimension.
    let kit_path =
        "/frameworks/current/role-levels/engineering/senior-software-engineer/hiring-kit";
    profile.assert_contains(&format!("href=\"{kit_path}\""));
    let kit = app.get(kit_path, Some(&b)).await;
    assert_eq!(kit.status, StatusCode::OK, "{}", kit.body);
    assert!(
        kit.body
            .contains("<h1>Hiring kit: Senior Software Engineer</h1>")
    );
    for section in [
        "id=\"advert\"",
        "id=\"plan\"",
        "id=\"questions\"",
        "Score 1",
        "Score 5",
    ] {
        assert!(kit.body.contains(section), "{section}: {}", kit.body);
    }
    let published = app.state.app().current_framework().await.unwrap().unwrap();
    let profile_of =
        trellis_model::resolve(&published.framework, "engineering/senior-software-engineer")
            .unwrap();
    for d in &profile_of.interview {
        assert!(
            kit.body.contains(&format!("<h3>{} (", d.name)),
            "{}",
            d.name
        );
    }
    let missing = app
        .get(
            "/frameworks/current/role-levels/engineering/wizard/hiring-kit",
            Some(&b),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let versions = app
        .api(
            axum::http::Method::GET,
            "/api/v1/frameworks",
            Some(&app.token(app.ids.admin).await),
            None,
        )
        .await
        .json();
    let id = versions[0]["id"].as_i64().unwrap();
    let by_id = app
        .get(
            &format!("/frameworks/{id}/role-levels/product/product-manager"),
            Some(&b),
        )
        .await;
    assert_eq!(by_id.status, StatusCode::OK);
    // A long profile lists its sections, and shows the rest of the blueprint with where an
    // inherited section comes from, through the partials the static site uses.
    assert!(
        by_id
            .body
            .contains("<nav class=\"contents profile-contents\" aria-label=\"On this page\">")
    );
    assert!(
        by_id
            .body
            .contains("<a href=\"#stakeholders\">Stakeholders</a>")
    );
    let collaboration = by_id
        .body
        .split("<section id=\"stakeholders\">")
        .nth(1)
        .expect("the stakeholders section");
    assert!(
        collaboration.contains("<p class=\"inherited\">Inherited from <a href=")
            && collaboration.contains(
                "role-levels/product/associate-product-manager\">Associate Product Manager</a>"
            ),
        "{collaboration}"
    );
    for anchor in [
        "qualifications",
        "onboarding",
        "interview-guidance",
        "promotion",
    ] {
        assert!(
            by_id.body.contains(&format!("<a href=\"#{anchor}\">"))
                && by_id.body.contains(&format!("<section id=\"{anchor}\">")),
            "{anchor} missing"
        );
    }
    // The promotion criteria link the level they lead to.
    let promotion = by_id
        .body
        .split("<section id=\"promotion\">")
        .nth(1)
        .unwrap();
    assert!(
        promotion
            .contains("role-levels/product/senior-product-manager\">Senior Product Manager</a>"),
        "{promotion}"
    );
    assert_eq!(
        app.get("/frameworks/999/skills", Some(&b)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/frameworks/latest", Some(&b)).await.status,
        StatusCode::NOT_FOUND
    );

    let compare = app
        .get(
            "/frameworks/current/compare?from=engineering%2Fsoftware-engineer&to=engineering%2Fstaff-engineer",
            Some(&b),
        )
        .await;
    assert_eq!(compare.status, StatusCode::OK);
    assert!(
        compare
            .body
            .contains("Software Engineer and Staff Engineer compared")
    );
    assert!(
        compare
            .body
            .contains("<caption>Skill requirements side by side</caption>")
    );
    let bad = app
        .get(
            "/frameworks/current/compare?from=nope&to=engineering%2Fstaff-engineer",
            Some(&b),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("unknown role level"));

    let skills = app.get("/frameworks/current/skills", Some(&b)).await;
    assert!(skills.body.contains("Skills catalogue"));
    assert!(skills.body.contains("Required by"));

    let css = app.get("/static/trellis.css", None).await;
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.body.contains("@media print"));
}

pub async fn people_pages_show_only_who_you_may_see(app: App) {
    let member = app.browser(app.ids.member_a).await;
    let directory = app.get("/people", Some(&member)).await;
    assert!(directory.body.contains("member a"));
    assert!(!directory.body.contains("member b") && !directory.body.contains("manager b"));
    // Their manager is named, not linked.
    assert!(
        !directory
            .body
            .contains(&format!("href=\"/people/{}\"", app.ids.manager_a))
    );

    let manager = app.browser(app.ids.manager_a).await;
    let directory = app.get("/people", Some(&manager)).await;
    assert!(directory.body.contains("member a") && directory.body.contains("manager a"));
    assert!(!directory.body.contains("member b"));
    assert!(directory.body.contains("Reporting lines"));
    let home = app.get("/", Some(&manager)).await;
    assert!(home.body.contains("Your reports") && home.body.contains("member a"));

    let person = app
        .get(&format!("/people/{}", app.ids.member_a), Some(&manager))
        .await;
    assert_eq!(person.status, StatusCode::OK);
    assert!(person.body.contains("member.a@test.example"));
    assert!(
        person
            .body
            .contains(&format!("href=\"/people/{}\"", app.ids.manager_a))
    );

    let everyone = app.browser(app.ids.people_team).await;
    let directory = app.get("/people", Some(&everyone)).await;
    for name in ["member a", "member b", "manager a", "manager b", "admin"] {
        assert!(
            directory.body.contains(name),
            "{name} is missing for the people team"
        );
    }
}

pub async fn admin_pages_manage_accounts(app: App) {
    let admin = app.browser(app.ids.admin).await;
    let list = app.get("/admin/accounts", Some(&admin)).await;
    assert!(list.body.contains("member.b@test.example"));
    assert!(
        list.body
            .contains("<label for=\"email\">Email address</label>")
    );

    let created = app
        .post_form(
            "/admin/accounts",
            &[
                ("email", "hired@test.example"),
                ("name", "New Hire"),
                ("role", "member"),
                ("team", "Team B"),
                ("manager_id", &app.ids.manager_b.to_string()),
                ("role_level", "product/associate-product-manager"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert!(created.body.contains("temporary password"));
    // The list is searched by name or email, access and status.
    let found = app
        .get("/admin/accounts?q=hire&status=active", Some(&admin))
        .await;
    let listed = |page: &str| {
        page.split("<caption>")
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        listed(&found.body).contains("hired@test.example"),
        "{}",
        found.body
    );
    assert!(!listed(&found.body).contains("member.b@test.example"));
    found.assert_contains("1 of ");
    let admins = app.get("/admin/accounts?role=admin", Some(&admin)).await;
    assert!(listed(&admins.body).contains("admin@test.example"));
    assert!(!listed(&admins.body).contains("hired@test.example"));
    let hired = app
        .store
        .person_by_email("hired@test.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hired.manager_id, Some(app.ids.manager_b));
    assert!(hired.password_hash.is_some());

    // Field problems are shown next to the fields.
    let bad = app
        .post_form(
            "/admin/accounts",
            &[("email", "nope"), ("name", ""), ("role", "member")],
            Some(&admin),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"email-error\"") && bad.body.contains("id=\"name-error\""));
    assert!(bad.body.contains("aria-invalid=\"true\""));

    // Editing with a stale revision is a conflict that shows what is stored now.
    let edit = app
        .get(&format!("/admin/accounts/{}", hired.id), Some(&admin))
        .await;
    let revision = edit.input_value("revision").unwrap();
    let fields = |name: &'static str, revision: String| {
        vec![
            ("email", "hired@test.example".to_owned()),
            ("name", name.to_owned()),
            ("role", "member".to_owned()),
            ("team", "Team B".to_owned()),
            ("active", "on".to_owned()),
            ("revision", revision),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        let admin = &admin;
        let path = format!("/admin/accounts/{}", hired.id);
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&path, &f, Some(admin)).await
        }
    };
    let saved = post(fields("Renamed Hire", revision.clone())).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = post(fields("Someone Else", revision)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Renamed Hire"));

    // Deactivating (no `active` field: the box is unticked).
    let fresh = app.store.person(hired.id).await.unwrap();
    let mut f = fields("Renamed Hire", fresh.revision.to_string());
    f.retain(|(k, _)| *k != "active");
    assert_eq!(post(f).await.status, StatusCode::SEE_OTHER);
    assert!(!app.store.person(hired.id).await.unwrap().active);

    let reset = app
        .post_form(
            &format!("/admin/accounts/{}/password", hired.id),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert!(reset.body.contains("New temporary password"));

    let versions = app.get("/admin/frameworks", Some(&admin)).await;
    assert!(
        versions.body.contains("Trellis Starter Framework") && versions.body.contains("(current)")
    );
}

pub async fn the_audit_log_can_be_filtered_and_paged(app: App) {
    for _ in 0..3 {
        app.sign_in("nobody@test.example", "wrong", None).await;
    }
    let member = app.browser(app.ids.member_a).await;
    for _ in 0..55 {
        assert_eq!(
            app.get("/admin/audit", Some(&member)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let admin = app.browser(app.ids.admin).await;
    let all = app.get("/admin/audit", Some(&admin)).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("access.denied"));
    // Each event reads as a sentence, by names, with the record behind a disclosure.
    all.assert_contains("was refused route GET /admin/audit");
    assert!(
        all.body
            .contains("<details><summary><code>access.denied</code>")
    );
    assert!(
        all.body.contains("Older events"),
        "more than one page of events"
    );

    let failures = app
        .get("/admin/audit?action=sign-in&outcome=failure", Some(&admin))
        .await;
    assert!(failures.body.contains("person:unknown"));
    assert!(!failures.body.contains("access.denied"));

    let by_actor = app
        .get(
            "/admin/audit?actor=member.a%40test.example&action=access",
            Some(&admin),
        )
        .await;
    assert!(by_actor.body.contains("route:GET /admin/audit"));
    let nobody = app
        .get("/admin/audit?actor=ghost%40test.example", Some(&admin))
        .await;
    assert!(nobody.body.contains("No events match."));

    let today = app
        .get(
            "/admin/audit?from=2000-01-01&to=2999-12-31&action=sign-in",
            Some(&admin),
        )
        .await;
    assert!(today.body.contains("person:unknown"));
    let past = app
        .get("/admin/audit?from=2001-01-01&to=2001-01-02", Some(&admin))
        .await;
    assert!(past.body.contains("No events match."));
    let bad = app.get("/admin/audit?from=yesterday", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter a date as YYYY-MM-DD."));

    // The older page follows on from the first.
    let older = all
        .body
        .split("href=\"")
        .find(|s| s.starts_with("/admin/audit?before="))
        .unwrap();
    let older = older.split('"').next().unwrap().replace("&amp;", "&");
    let page2 = app.get(&older, Some(&admin)).await;
    assert_eq!(page2.status, StatusCode::OK);
    assert!(page2.body.contains("Newest events"));
}

pub async fn security_headers_everywhere(app: App) {
    let b = app.browser(app.ids.member_a).await;
    for path in ["/", "/sign-in", "/nothing", "/api/v1/me", "/healthz"] {
        let res = app.get(path, Some(&b)).await;
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"),
            "{path}: {csp}"
        );
        assert_eq!(res.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(res.header("referrer-policy"), Some("same-origin"), "{path}");
    }
    assert_eq!(
        app.get("/", Some(&b)).await.header("cache-control"),
        Some("no-store")
    );
    // No inline scripts or styles anywhere.
    let home = app.get("/", Some(&b)).await;
    assert!(!home.body.contains("<script") && !home.body.contains("style="));
}

pub async fn demo_organisation_loads_once(app: App) {
    let hash = crate::support::password_hash();
    let first = trellis_app::demo::load(&app.store, hash).await.unwrap();
    assert_eq!(first.created, 40);
    let again = trellis_app::demo::load(&app.store, hash).await.unwrap();
    assert_eq!((again.created, again.existing), (0, 40));
    let people = app.store.people().await.unwrap();
    let amara = people
        .iter()
        .find(|p| p.email == "amara.okafor@example.com")
        .unwrap();
    assert_eq!(
        amara.role_level.as_deref(),
        Some("engineering/staff-engineer")
    );
    assert_eq!(app.store.reports(amara.id).await.unwrap().len(), 5);
    // Two promotion cases: Aisha's approved (her role level changed), Hannah's with its panel.
    assert_eq!((first.promotions, again.promotions), (2, 0));
    let aisha = people
        .iter()
        .find(|p| p.email == "aisha.bello@example.com")
        .unwrap();
    assert_eq!(
        aisha.role_level.as_deref(),
        Some("engineering/staff-engineer")
    );
    let cases = app.store.promotions_for(None, amara.id).await.unwrap();
    let statuses: Vec<_> = cases.iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [
            trellis_store::CaseStatus::Submitted,
            trellis_store::CaseStatus::Decided
        ]
    );
    // A first admin exists already in the fixture: no new one.
    assert!(
        trellis_app::bootstrap::ensure_admin(&app.store, "root@test.example")
            .await
            .unwrap()
            .is_none()
    );
}

crate::on_both_backends!(
    framework_pages,
    people_pages_show_only_who_you_may_see,
    admin_pages_manage_accounts,
    the_audit_log_can_be_filtered_and_paged,
    security_headers_everywhere,
    demo_organisation_loads_once,
);
