//! Hiring through the pages, on both databases: an opening from a role level's kit, two
//! interviewers scoring independently, the debrief with its weighted score and a flagged
//! disagreement, and a hire that starts the new person's plan.

use axum::http::StatusCode;

use crate::support::{App, Browser, Resp};

fn id_after(body: &str, marker: &str) -> String {
    body.split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("{marker} in {body}"))
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// Sends an interviewer's scorecard from the page of their interview.
async fn scorecard(app: &App, b: &Browser, interview: &str, fields: &[(&str, &str)]) -> Resp {
    let path = format!("/hiring/interviews/{interview}");
    app.post_form(&path, fields, Some(b)).await
}

pub async fn a_candidate_is_scored_independently_debriefed_and_hired(app: App) {
    let hr = app.browser(app.ids.people_team).await;
    let boss = app.browser(app.ids.manager_a).await;
    let ivy = app.browser(app.ids.member_a).await;
    let jon = app.browser(app.ids.member_b).await;
    let outsider = app.browser(app.ids.manager_b).await;

    // The people team opens a position from the kit of a role level.
    let bad = app
        .post_form(
            "/hiring/openings",
            &[
                ("role_level", "engineering/senior-software-engineer"),
                ("hiring_manager", "nobody@test.example"),
            ],
            Some(&hr),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("id=\"hiring_manager-error\"");
    let made = app
        .post_form(
            "/hiring/openings",
            &[
                ("role_level", "engineering/senior-software-engineer"),
                ("hiring_manager", "manager.a@test.example"),
            ],
            Some(&hr),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let opening_path = made.header("location").unwrap().to_owned();
    let opening = app.get(&opening_path, Some(&boss)).await;
    assert_eq!(opening.status, StatusCode::OK);
    assert!(opening.body.contains("Job advert"));
    assert!(opening.body.contains("System design"));
    assert!(
        !opening.body.contains("No stage scores"),
        "every dimension is covered"
    );
    // One panel stage for every dimension; an uncovered dimension would be warned of.
    let dims = [
        "Coding",
        "System design",
        "Technical leadership",
        "Collaboration and product sense",
    ];
    let mut form: Vec<(&str, &str)> = vec![
        ("advert", "## Job advert\n\nJoin us."),
        ("stage-0", "Panel"),
    ];
    for d in &dims[..3] {
        form.push(("dimensions-0", d));
    }
    let saved = app.post_form(&opening_path, &form, Some(&boss)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let warned = app.get(&opening_path, Some(&boss)).await;
    warned.assert_contains("No stage scores the dimension “Collaboration and product sense”");
    form.push(("dimensions-0", dims[3]));
    // Who interviews at the stage is planned by email; an unknown one is named at its field and
    // nothing is saved.
    form.push((
        "interviewers-0",
        "member.a@test.example, nobody@test.example",
    ));
    let unknown = app.post_form(&opening_path, &form, Some(&boss)).await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    unknown.assert_contains("id=\"interviewers-0-error\"");
    form.pop();
    form.push((
        "interviewers-0",
        "member.a@test.example, member.b@test.example",
    ));
    let planned = app.post_form(&opening_path, &form, Some(&boss)).await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let plan = app.get(&opening_path, Some(&boss)).await;
    plan.assert_contains("value=\"member.a@test.example, member.b@test.example\"");
    plan.assert_contains("now member a, member b");

    let added = app
        .post_form(
            &format!("{opening_path}/candidates"),
            &[
                ("name", "Ada Candidate"),
                ("contact", "ada@example.net"),
                ("source", "Referral"),
                ("consent_on", "2027-01-02"),
            ],
            Some(&boss),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let candidate_path = added.header("location").unwrap().to_owned();
    for who in ["member.a@test.example", "member.b@test.example"] {
        let r = app
            .post_form(
                &format!("{candidate_path}/interviews"),
                &[
                    ("stage", "Panel"),
                    ("interviewer", who),
                    ("scheduled_on", "2027-01-10"),
                ],
                Some(&hr),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // Not on the loop: nothing of it.
    assert_eq!(
        app.get(&candidate_path, Some(&outsider)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&opening_path, Some(&outsider)).await.status,
        StatusCode::NOT_FOUND
    );

    // Ivy scores first; she sees Jon's scorecard only after submitting hers.
    let home = app.get("/hiring", Some(&ivy)).await;
    let ivy_interview = id_after(&home.body, "href=\"/hiring/interviews/");
    let jon_home = app.get("/hiring", Some(&jon)).await;
    let jon_interview = id_after(&jon_home.body, "href=\"/hiring/interviews/");
    assert_eq!(
        app.get(&format!("/hiring/interviews/{jon_interview}"), Some(&ivy))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let card = app
        .get(&format!("/hiring/interviews/{ivy_interview}"), Some(&ivy))
        .await;
    assert!(card.body.contains("Submit the scorecard"));
    let before = app.get(&candidate_path, Some(&ivy)).await;
    assert!(
        !before.body.contains("Debrief"),
        "nothing of the others before hers"
    );
    let submit = |scores: [&'static str; 4], notes: &'static str, leaning: &'static str| {
        let mut f = vec![("notes", notes), ("leaning", leaning)];
        for (i, s) in scores.iter().enumerate() {
            f.push((["score-0", "score-1", "score-2", "score-3"][i], *s));
        }
        f
    };
    let missing = scorecard(&app, &ivy, &ivy_interview, &[("leaning", "hire")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (b, interview, card) in [
        (
            &ivy,
            &ivy_interview,
            submit(["4", "1", "4", "4"], "IVY-NOTE", "no-hire"),
        ),
        (
            &jon,
            &jon_interview,
            submit(["4", "4", "4", "4"], "JON-NOTE", "hire"),
        ),
    ] {
        let r = scorecard(&app, b, interview, &card).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let ivy_sees = app.get(&candidate_path, Some(&ivy)).await;
    ivy_sees.assert_contains("JON-NOTE");
    // Having read Jon's, hers is final.
    let late = scorecard(
        &app,
        &ivy,
        &ivy_interview,
        &submit(["4", "4", "4", "4"], "changed", "hire"),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);

    // The debrief: System design (30 %) 2.5, the others (70 %) 4: 0.3·2.5 + 0.7·4 = 3.55.
    let debrief = app.get(&candidate_path, Some(&boss)).await;
    debrief.assert_contains("<strong id=\"weighted-score\">3.55</strong>");
    assert!(debrief.body.contains("class=\"disagreement\""));
    assert!(debrief.body.contains("<svg class=\"debrief-chart\""));
    assert!(debrief.body.contains("IVY-NOTE") && debrief.body.contains("JON-NOTE"));

    // The candidate's data, for their request: the people team only, with every scorecard.
    let data_path = format!("{candidate_path}/data.json");
    let data = app.get(&data_path, Some(&hr)).await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    let data = data.json();
    assert_eq!(data["candidate"]["source"], "Referral");
    assert_eq!(data["interviews"].as_array().unwrap().len(), 2);
    assert!(data.to_string().contains("IVY-NOTE"), "{data}");
    assert!(
        app.get(&candidate_path, Some(&hr))
            .await
            .body
            .contains(&data_path)
    );
    for who in [&boss, &ivy] {
        assert_eq!(
            app.get(&data_path, Some(who)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        app.get(&data_path, Some(&outsider)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit("hiring.candidate-export").await.len(), 1);

    // The retention period of candidates' data, set by the people team.
    let home = app.get("/hiring", Some(&hr)).await;
    assert_eq!(home.input_value("retention_days").as_deref(), Some("180"));
    let bad = app
        .post_form("/hiring/retention", &[("retention_days", "0")], Some(&hr))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("from 1 to 3650");
    let set = app
        .post_form("/hiring/retention", &[("retention_days", "90")], Some(&hr))
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let home = app.get("/hiring", Some(&hr)).await;
    assert_eq!(home.input_value("retention_days").as_deref(), Some("90"));
    assert!(
        !app.get("/hiring", Some(&boss))
            .await
            .body
            .contains("retention_days")
    );

    // The same through the API: the hiring manager reads the debrief; the outsider reads nothing.
    let candidate_api = candidate_path.replace("/hiring/", "/api/v1/hiring/");
    let boss_token = app.token(app.ids.manager_a).await;
    let read = app.api_get(&candidate_api, &boss_token).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let json = read.json();
    let weighted = json["debrief"]["weighted"].as_f64().unwrap();
    assert!((weighted - 3.55).abs() < 1e-9, "{json}");
    assert!(json["interviews"].as_array().unwrap().len() >= 2);
    assert!(!json["candidate"]["contact"].as_str().unwrap().is_empty());
    let outsider_token = app.token(app.ids.manager_b).await;
    let hidden = app.api_get(&candidate_api, &outsider_token).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let mine = app.api_get("/api/v1/hiring/openings", &boss_token).await;
    assert_eq!(mine.json().as_array().unwrap().len(), 1);
    let theirs = app
        .api_get("/api/v1/hiring/openings", &outsider_token)
        .await;
    assert_eq!(theirs.json().as_array().unwrap().len(), 0);

    // Hire: the account, the role level, and the plan.
    let hired = app
        .post_form(
            &format!("{candidate_path}/decision"),
            &[
                ("decision", "hire"),
                ("reason", "Strong design"),
                ("email", "ada@test.example"),
            ],
            Some(&boss),
        )
        .await;
    assert_eq!(hired.status, StatusCode::SEE_OTHER, "{}", hired.body);
    let after = app.get(&candidate_path, Some(&boss)).await;
    let person = id_after(&after.body, "Hired: <a href=\"/people/");
    let plan = app
        .get(&format!("/people/{person}/plan"), Some(&boss))
        .await;
    assert_eq!(plan.status, StatusCode::OK);
    plan.assert_contains("First-year milestones");
    plan.assert_contains("The interviews scored “System design” 2.5 of 5");
}

crate::on_both_backends!(a_candidate_is_scored_independently_debriefed_and_hired);
