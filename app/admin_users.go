package app

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// usersView lists users with the form to add one (admin only).
type usersView struct {
	consolePage
	Users []survey.User
	Units []survey.Unit
	Roles []struct {
		Role  survey.Role
		Label string
	}
	Form   map[string]string
	Picked map[int64]bool
	Errors map[string]string
	Tokens []survey.APIToken
}

func (k *console) renderUsers(c *fiber.Ctx, form map[string]string, picked map[int64]bool, errs map[string]string) error {
	ctx := c.UserContext()
	v := usersView{consolePage: k.page(c, "Pengguna", "admin"), Roles: survey.Roles, Form: form, Picked: picked, Errors: errs}
	var err error
	if v.Users, err = k.store.Users(ctx); err != nil {
		return err
	}
	if v.Units, err = k.store.Units(ctx); err != nil {
		return err
	}
	if v.Tokens, err = k.store.Tokens(ctx, 0); err != nil {
		return err
	}
	if v.Form == nil {
		v.Form = map[string]string{"role": string(survey.RoleKepalaUnit)}
	}
	if errs != nil {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return k.render(c, "admin_users", v)
}

// users answers GET /admin/users.
func (k *console) users(c *fiber.Ctx) error { return k.renderUsers(c, nil, nil, nil) }

// pickedUnits reads the checked unit boxes of a form.
func pickedUnits(c *fiber.Ctx) ([]int64, map[int64]bool) {
	var ids []int64
	picked := map[int64]bool{}
	args := c.Request().PostArgs()
	for _, v := range args.PeekMulti("units") {
		if id, err := strconv.ParseInt(string(v), 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
			picked[id] = true
		}
	}
	return ids, picked
}

// createUser answers POST /admin/users.
func (k *console) createUser(c *fiber.Ctx) error {
	f := formValues(c, "username", "role")
	units, picked := pickedUnits(c)
	_, err := k.store.CreateUser(c.UserContext(), survey.NewUser{Username: f["username"], Password: c.FormValue("password"), Role: survey.Role(f["role"]), Units: units})
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUsers(c, f, picked, ve.Fields)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

// updateUser answers POST /admin/users/:id: role, active flag, units, and
// optionally a new password.
func (k *console) updateUser(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	me := currentUser(c)
	active := c.FormValue("active") == "1"
	role := survey.Role(strings.Clone(c.FormValue("role")))
	if id == me.ID && (!active || role != survey.RoleAdmin) {
		return k.renderUsers(c, nil, nil, map[string]string{"self": "Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri."})
	}
	units, _ := pickedUnits(c)
	_, err = k.store.UpdateUser(ctx, id, role, active, units)
	if ve, ok := survey.IsValidation(err); ok {
		return k.renderUsers(c, nil, nil, ve.Fields)
	}
	if err != nil {
		return err
	}
	if pw := c.FormValue("password"); pw != "" {
		err := k.store.SetPassword(ctx, id, pw)
		if ve, ok := survey.IsValidation(err); ok {
			return k.renderUsers(c, nil, nil, ve.Fields)
		}
		if err != nil {
			return err
		}
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}
